/** Shows an API error to the user: the server's field and message (never swallowed), or nothing. */
import { ApiError } from './http';
import './pages.css';

/** The text of an error: `field: message` for the server's 4xx answers, else the message. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.status === 409 ? `conflict: ${error.describe()}` : error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A red alert line with the error's text; renders nothing without an error. */
export function ErrorNote(props: { error: unknown; testId?: string }) {
  if (props.error === null || props.error === undefined) return null;
  return (
    <p role="alert" className="error-note" data-testid={props.testId}>
      {errorText(props.error)}
    </p>
  );
}
