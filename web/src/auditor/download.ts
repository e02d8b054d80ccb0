// Offers a text as a file download (the updated state, an export, a checkpoint kept as evidence;
// DESIGN promise 7). Nothing goes to any storage API: the file exists only where the auditor
// saves it.

export function offerDownload(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
