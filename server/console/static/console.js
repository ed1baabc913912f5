// Small behaviours without inline handlers (the CSP forbids them).
document.addEventListener('change', (event) => {
  const field = event.target;
  if (field.matches('select[data-autosubmit]')) field.form.requestSubmit();
  // The review queue's "select all visits on this page" for the bulk action.
  if (field.matches('input[data-check-all]')) {
    const kind = field.getAttribute('data-check-all');
    document.querySelectorAll(`input[data-pick="${kind}"]`).forEach((pick) => { pick.checked = field.checked; });
  }
});
document.addEventListener('submit', (event) => {
  const form = event.target;
  const question = form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) event.preventDefault();
});
// "打印" on a page made for paper (the 派遣单): the browser's own print dialog.
document.addEventListener('click', (event) => {
  if (event.target.closest('[data-print]')) window.print();
});
