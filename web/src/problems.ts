/** One line for a refusal: the server's error code and detail, as the API documents them. */
export const problemText = (problem: unknown, response: Response): string => {
  const p = problem as { error_code?: string; detail?: string; title?: string } | undefined;
  return `${String(response.status)} ${p?.error_code ?? ''}: ${p?.detail ?? p?.title ?? response.statusText}`;
};
