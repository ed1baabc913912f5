// The review queue from the keyboard: j / k move between rows, x ticks the current visit, a marks the
// ticked visits reviewed. Keys typed into a field are left alone (a return comment may contain a j).
(() => {
  const rows = () => Array.from(document.querySelectorAll('tr[data-kind]:not(.done)'));
  let current = -1;

  function move(step) {
    const all = rows();
    if (!all.length) return;
    all.forEach((row) => row.classList.remove('cursor'));
    current = Math.max(0, Math.min(all.length - 1, current + step));
    const row = all[current];
    row.classList.add('cursor');
    row.scrollIntoView({ block: 'nearest' });
  }

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest('input, textarea, select, [contenteditable]')) return;
    if (event.key === 'j') move(1);
    else if (event.key === 'k') move(-1);
    else if (event.key === 'x') {
      const pick = rows()[current]?.querySelector('input[data-pick]');
      if (pick) pick.checked = !pick.checked;
    } else if (event.key === 'a') {
      const form = document.getElementById('bulk-form');
      if (form && form.querySelector('[data-bulk="selected"]') && document.querySelector('input[data-pick]:checked')) {
        form.requestSubmit(form.querySelector('[data-bulk="selected"]'));
      }
    } else return;
    event.preventDefault();
  });
})();
