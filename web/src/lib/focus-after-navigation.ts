/**
 * Where focus goes after a client navigation (a sign-in, a post, a follow or
 * unfollow, a link): the page's main heading, so keyboard and screen-reader
 * users carry on from the page they reached instead of from <body>. A page
 * that already moved focus itself (into the post box, say) keeps it.
 */
export function focusAfterNavigation(doc: Document = document): void {
  const active = doc.activeElement;
  if (active && active !== doc.body && active !== doc.documentElement) return;
  doc.querySelector<HTMLElement>('main h2')?.focus({ preventScroll: true });
}
