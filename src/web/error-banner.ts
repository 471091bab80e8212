// The error banner: what went wrong, naming the input or file at fault (the worker's messages carry the field and,
// for the strategy config, the line), and whether the charts still show the last good run. Stays until the next run
// starts, a new recording opens, or it is dismissed.
import type { ParamField } from './protocol';

export interface ShownError {
  message: string;
  field?: ParamField;
  /** The last run and its charts are kept. */
  kept?: boolean;
  /** Instead of "Parameter error: " / "Error: ". */
  title?: string;
  /** Instead of the note that goes with `kept` and `field`. */
  note?: string;
}

export class ErrorBanner {
  current: ShownError | null = null;
  private readonly title: HTMLElement;
  private readonly text: HTMLElement;
  private readonly note: HTMLElement;

  constructor(
    private readonly host: HTMLElement,
    private readonly onClear: () => void = () => {},
  ) {
    this.title = document.createElement('strong');
    this.text = document.createElement('span');
    this.text.dataset.testid = 'error-text';
    this.note = document.createElement('div');
    this.note.className = 'error-note';
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'dismiss';
    close.textContent = '×';
    close.title = 'dismiss';
    close.setAttribute('aria-label', 'dismiss the error');
    close.onclick = () => this.clear();
    host.replaceChildren(close, this.title, this.text, this.note);
    host.setAttribute('role', 'alert');
  }

  show(e: ShownError): void {
    this.current = e;
    this.title.textContent = e.title ?? (e.field ? 'Parameter error: ' : 'Error: ');
    this.text.textContent = e.message;
    this.note.textContent =
      e.note !== undefined
        ? e.note
        : e.kept
          ? 'Nothing was run: the charts and metrics still show the last run. Fix the value and press Run.'
          : e.field
            ? 'Fix the value and press Run.'
            : '';
    this.note.hidden = !this.note.textContent;
    this.host.hidden = false;
  }

  clear(): void {
    if (!this.current && this.host.hidden) return;
    this.current = null;
    this.host.hidden = true;
    this.onClear();
  }
}
