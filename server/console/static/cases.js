// Review queue: "select all visits on this page" for the bulk action (no inline handlers: CSP).
document.addEventListener('change', (event) => {
  const box = event.target;
  if (!box.matches('input[data-check-all]')) return;
  const kind = box.getAttribute('data-check-all');
  document.querySelectorAll(`input[data-pick="${kind}"]`).forEach((pick) => { pick.checked = box.checked; });
});
