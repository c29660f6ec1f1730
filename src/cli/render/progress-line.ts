import { style } from '../../ui/style.js';

/** Where the live line is drawn: the terminal (process.stdout), or a test's buffer. */
export interface Writer {
  write(text: string): unknown;
}

/**
 * What is running now and for how long: on a terminal one line that updates every second, in a
 * log (CI, a pipe) one line when it begins. Cleared before the result line is printed.
 */
export function progressLine(write: (text: string) => void, live: boolean, screen: Writer = process.stdout) {
  let timer: NodeJS.Timeout | undefined;
  let shown = false;
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (live && shown) screen.write('\r\u001b[2K');
    shown = false;
  };
  return {
    begin(title: string) {
      clear();
      const started = Date.now();
      if (!live) {
        write(style.dim(`  … ${title}`));
        return;
      }
      const draw = () => {
        shown = true;
        screen.write(`\r\u001b[2K${style.dim(`  ⋯ ${title} (${Math.round((Date.now() - started) / 1000)} s)`)}`);
      };
      draw();
      timer = setInterval(draw, 1000);
      timer.unref();
    },
    end: clear,
  };
}
