# Notifikasi perangkat: judul per kategori, teks dari kotak masuk atau pengingat perpanjangan.

notify-status-title = Permohonan Anda diperbarui
notify-delivery-title = Kabar pengiriman hasil Anda
notify-renewal-title = Dokumen akan segera habis masa berlakunya
notify-notice-title = Pemberitahuan baru
notify-feedback-title = Pengaduan Anda dijawab
notify-item-body = { $title }: { $body }
notify-reminder-body = { $kind } habis berlaku pada { $date } (tersisa { $days } hari). Anda dapat memulai perpanjangan di aplikasi.
notify-shared-status-title = Ada pembaruan untuk permohonan Anda
notify-shared-delivery-title = Ada kabar pengiriman hasil Anda
notify-shared-renewal-title = Salah satu dokumen Anda akan habis berlaku
notify-shared-notice-title = Anda mendapat pemberitahuan baru
notify-shared-feedback-title = Ada pembaruan untuk pengaduan Anda
notify-shared-body = Buka OpenDVC dan masuk untuk melihat rinciannya.
notify-calendar-name = Masa berlaku dokumen (OpenDVC)
notify-calendar-summary = { $kind } habis berlaku
notify-calendar-description = { $kind } nomor { $number } habis berlaku pada { $date }. Perpanjang dengan OpenDVC.
watch-connected = Menerima pembaruan dari portal. Tekan Ctrl-C untuk berhenti.
watch-disconnected = Koneksi terputus ({ $reason }); mencoba lagi dalam { $seconds } detik.
watch-event = Peristiwa { $id } ({ $kind }): { $applications } permohonan, { $inbox } pesan disinkronkan.
watch-inbox = Kotak masuk: { $title }
watch-notification = Notifikasi: { $title } — { $body } ({ $target })
watch-held-back = (Notifikasi tidak ditampilkan: sesuai pengaturan Anda.)
reminders-line = { $kind } { $number }: { $standing }, berlaku sampai { $expires }
reminders-line-no-date = { $kind } { $number }: { $standing }
reminders-standing-valid = masih berlaku
reminders-standing-renew-soon = saatnya diperpanjang
reminders-standing-expired = sudah habis berlaku
reminders-standing-no-expiry = tidak ada masa berlaku
reminders-standing-unknown = masa berlaku tidak diketahui
reminders-due-held-back = Pengingat perpanjangan { $kind } jatuh tempo (notifikasi tidak ditampilkan: sesuai pengaturan Anda).
reminders-none-due = Tidak ada pengingat hari ini.
notify-action-open = Buka

## desktop

tray-open = Buka OpenDVC
tray-quit = Keluar
