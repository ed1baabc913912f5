"""The field app (the PWA built into pwa/dist by `make pwa`), served at /app/."""
