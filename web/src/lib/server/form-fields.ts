/** A text field of a submitted form; missing fields and file uploads read as ''. */
export function textField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}
