import { PlantError } from '@plant/client';

/**
 * A refusal as the server worded it: the code, the detail, and every rule violation or field
 * error verbatim, so what the console shows is what the API documents (docs/errors.md).
 */
export const ProblemView = ({ error }: { error: unknown }): React.JSX.Element | null => {
  if (error === null || error === undefined) return null;
  if (!(error instanceof PlantError)) return <p role="alert" className="error">{error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error)}</p>;
  const items = [...error.violations.map((v) => `${v.code}: ${v.message}`), ...error.errors.map((f) => `${f.field}: ${f.message}`)];
  return (
    <div role="alert" className="error">
      <p className="problem-line">{error.message}</p>
      {items.length > 0 && (
        <ul className="violations">
          {items.map((line) => <li key={line}>{line}</li>)}
        </ul>
      )}
      {error.requestId !== undefined && <p className="hint">Request id {error.requestId}</p>}
    </div>
  );
};
