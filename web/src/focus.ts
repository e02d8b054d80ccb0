// Moving the focus so that what it lands on is seen (issue 17: the sticky header hid the receipt,
// the error summary, the conversation and the witness number). The stylesheet's scroll-padding
// keeps the header's height free at the top; the element is scrolled to the start of what is left.

export function focusInView(el: HTMLElement): void {
  el.focus({ preventScroll: true });
  el.scrollIntoView({ block: 'start', inline: 'nearest' });
}
