/** The SQLSTATE a statement failed with, or 'no error'. */
export const pgCode = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
  return 'no error';
};
