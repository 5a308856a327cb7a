import { error } from '@sveltejs/kit';

/**
 * The submitted form. A body that is not a form (JSON, plain text, a broken
 * multipart) makes `request.formData()` throw, which would be a 500; it is
 * the client's mistake, so it is a 400 that changes nothing.
 */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    error(400, 'The form could not be read');
  }
}

/** A text field of a submitted form; missing fields and file uploads read as ''. */
export function textField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}
