// Small behaviours without inline handlers (the CSP forbids them).
document.addEventListener('change', (event) => {
  const field = event.target;
  if (field.matches('select[data-autosubmit]')) field.form.requestSubmit();
});
document.addEventListener('submit', (event) => {
  const form = event.target;
  const question = form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) event.preventDefault();
});
