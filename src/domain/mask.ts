/**
 * Phone numbers in log lines keep only their last 3 digits. Pure and dependency-free, so the
 * logger needs nothing from the parsers (nor libphonenumber's metadata).
 */

/** A run of 7+ digits with phone separators: the shape masked in logs (one pass, linear). */
const MASKABLE = /\+?\(?\d[\d \t().-]{5,}\d/g;

/** Masks every phone-looking run for logs: `+44 7897 897897` -> `•••897` (ISO dates kept). */
export function maskPhone(text: string): string {
  return text.replace(MASKABLE, (run) => {
    const digits = run.replace(/\D/g, '');
    const isoDate = /^\d{4}-\d{2}-\d{2}$/.test(run);
    return digits.length >= 7 && !isoDate ? `•••${digits.slice(-3)}` : run;
  });
}
