// Moving the focus so that what it lands on is seen (issue 17: the sticky header hid the receipt,
// the error summary, the conversation and the witness number). What fits in the first screen is
// shown with the page scrolled to its top (nothing then sits half under the header); anything
// further down is scrolled just enough to be seen whole below the header, whose height the
// stylesheet's scroll-padding keeps free.

export function focusInView(el: HTMLElement): void {
  el.focus({ preventScroll: true });
  const box = el.getBoundingClientRect();
  if (box.bottom + window.scrollY <= window.innerHeight) window.scrollTo({ top: 0, left: 0 });
  else el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}
