# Pesan inti aplikasi (galat, status antrean).

error-network = Portal layanan publik tidak dapat dijangkau. Periksa koneksi; item yang tersimpan dikirim saat daring.
error-timeout = Portal tidak menjawab tepat waktu. Item yang tersimpan akan dikirim ulang nanti.
error-server = Portal sedang bermasalah. Item yang tersimpan akan dikirim ulang nanti.
error-rate-limited = Portal sedang sibuk. Aplikasi akan mencoba lagi nanti.
error-unauthorized = Sesi Anda telah berakhir. Silakan masuk lagi; item yang menunggu tetap disimpan.
error-not-signed-in = Anda belum masuk. Masuk dengan nomor identitas pribadi Anda.
error-validation = Portal menolak permintaan. Lihat alasannya, perbaiki, lalu coba lagi.
error-not-found = Portal tidak mengenal permohonan ini.
error-conflict = Permintaan tidak sesuai dengan status permohonan saat ini.
error-malformed = Portal mengirim data yang tidak dapat dibaca. Aplikasi akan mencoba lagi nanti.
error-no-portal = Belum ada alamat portal. Gunakan --portal atau masuk terlebih dahulu.
error-invalid-id-number = Nomor identitas pribadi terdiri dari 12 digit.
error-store = Galat pada basis data di perangkat ini.
error-store-corrupt = Basis data di perangkat ini rusak.
error-no-such-item = Tidak ada item antrean dengan id ini.
error-item-not-changeable = Item ini tidak lagi menunggu dikirim, jadi tidak dapat diubah.
error-not-an-application = Item ini bukan permohonan baru.
error-attachment-too-large = Lampiran terlalu besar (maksimal 20 MiB).
error-attachment-unreadable = Lampiran tidak dapat dibaca.
error-session-file = Berkas sesi tidak dapat dibaca atau ditulis.
error-catalog-missing = Katalog prosedur belum ada di perangkat ini. Sinkronkan sekali saat daring.
error-search-index-missing = Pencarian belum siap: katalog prosedur belum ada di perangkat ini. Sinkronkan sekali saat daring.
error-search-failed = Pencarian katalog gagal di perangkat ini. Sinkronkan lagi atau buka ulang aplikasi: indeks pencarian lalu dibangun ulang dari katalog yang tersimpan.
error-unknown-procedure = Prosedur ini tidak ada di katalog.
error-invalid-submission = Permohonan belum valid.
error-unknown-application = Permohonan atau item antrean ini tidak ada di perangkat ini.
error-unsent-items = { $count } item belum terkirim.
error-attachment-missing = Salinan lampiran yang tersimpan telah hilang.
error-parent-discarded = Permohonan yang menjadi dasar item ini telah dibuang.
error-parent-not-created = Permohonan yang menjadi dasar item ini belum dibuat.

queue-state-queued = menunggu dikirim
queue-state-sending = sedang dikirim
queue-state-sent = terkirim
queue-state-needs-attention = perlu diperiksa
queue-state-discarded = dibuang

queue-kind-upload-attachment = unggah lampiran
queue-kind-create-application = permohonan baru
queue-kind-supplement = pelengkap
queue-kind-delivery-change = ubah pengiriman
queue-kind-withdraw = penarikan
queue-kind-rating = penilaian

application-status-received = Diterima
application-status-processing = Diproses
application-status-supplement-requested = Menunggu pelengkap
application-status-completed = Hasil siap
application-status-handed-over = Hasil diserahkan
application-status-rejected = Ditolak
application-status-withdrawn = Ditarik
application-status-unknown = Status lain
application-status-waiting-to-send = Menunggu dikirim (tersimpan di perangkat ini)
application-status-sending = Sedang dikirim
application-status-needs-attention = Perlu diperiksa

# Kode galat portal (Problem.code).
error-malformed-request = Permintaan tidak dalam format yang diharapkan.
error-validation-failed = Portal menemukan nilai yang tidak valid.
error-token-expired = Sesi akses telah kedaluwarsa.
error-refresh-token-invalid = Sesi Anda telah berakhir. Silakan masuk lagi.
error-otp-invalid = Kode sekali pakai salah atau kedaluwarsa. Minta kode baru.
error-forbidden = Anda tidak diizinkan melakukan ini.
error-consent-required = Persetujuan warga diperlukan.
error-invalid-state = Status permohonan saat ini tidak mengizinkan hal ini.
error-idempotency-key-missing = Permintaan tidak memiliki kunci pencegah duplikasi.
error-idempotency-key-reused = Kunci pencegah duplikasi sudah dipakai untuk isi yang berbeda.
error-idempotency-in-flight = Permintaan ini masih diproses; aplikasi akan mencoba lagi nanti.
error-payload-too-large = Data yang dikirim terlalu besar.
error-unsupported-media-type = Jenis berkas ini tidak diterima.
error-internal = Portal mengalami galat internal; aplikasi akan mencoba lagi nanti.
error-unknown = Galat tidak dikenal.
