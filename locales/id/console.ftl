# Konsol petugas (/console/), dilayani oleh portal referensi. Bahasa Vietnam adalah bahasa pertama.
console-title = OpenDVC · Petugas
console-skip-to-content = Lewati ke konten
console-nav-label = Navigasi utama
console-nav-queue = Antrean kerja
console-nav-overview = Ikhtisar
console-nav-counter = Permohonan di loket
console-language = Bahasa
console-language-vi = Tiếng Việt
console-language-en = English
console-language-id = Indonesia
console-signed-in-as = { $name } · { $organisation }
console-sign-out = Keluar
console-loading = Memuat…
console-none = Belum ada
console-not-found = Halaman ini tidak ada.
console-days = { $days } hari kerja
console-cancel = Batal

## Masuk

console-signin-title = Masuk sebagai petugas
console-signin-intro = Gunakan kode petugas dan kata sandi dari instansi Anda.
console-signin-code = Kode petugas
console-signin-password = Kata sandi
console-signin-submit = Masuk
console-signin-not-officer = Akun ini bukan milik petugas atau pengawas. Agen kantor pos dan relawan memakai aplikasi OpenDVC.

## Kesalahan

console-error-network = Portal tidak dapat dihubungi. Periksa jaringan lalu coba lagi.
console-error-unexpected = Jawaban portal tidak terduga. Coba lagi; jika masih gagal, beri tahu tim TI.
console-error-signed-out = Sesi masuk telah berakhir. Keluar lalu masuk lagi.

## Antrean kerja

console-queue-title = Antrean kerja
console-queue-filters = Saring permohonan
console-queue-caption = Permohonan instansi, tenggat paling awal lebih dulu
console-queue-total = Menampilkan { $shown } dari { $total } permohonan
console-queue-empty = Tidak ada permohonan yang cocok dengan saringan.
console-queue-more = Tampilkan lagi
console-filter-status = Status
console-filter-procedure = Prosedur
console-filter-unit = Unit tingkat komune
console-filter-due-before = Tenggat sampai tanggal
console-filter-text = Cari kode atau nama
console-filter-text-hint = Kode permohonan atau nama pemohon
console-filter-any = Semua
console-filter-apply = Saring
console-filter-clear = Hapus saringan
console-column-code = Kode
console-column-procedure = Prosedur
console-column-applicant = Pemohon
console-column-unit = Unit
console-column-due = Tenggat
console-column-urgency = Urgensi
console-column-status = Status
console-column-assigned = Petugas yang ditugasi
console-due-today = Tenggat hari ini
console-days-left = Sisa { $days } hari kerja
console-days-late = Terlambat { $days } hari kerja
console-urgency-on-track = Sesuai jadwal
console-urgency-at-risk = Hampir terlambat
console-urgency-overdue = Terlambat
console-urgency-finished = Selesai
console-urgency-unknown = Tidak diketahui

## Status dan saluran

console-status-awaiting-payment = Menunggu pembayaran
console-status-received = Diterima
console-status-processing = Diproses
console-status-supplement-requested = Menunggu kelengkapan
console-status-completed = Hasil siap
console-status-handed-over = Hasil diserahkan
console-status-rejected = Ditolak
console-status-withdrawn = Ditarik
console-status-unknown = Status lain
console-channel = Saluran
console-channel-online = Daring
console-channel-assisted = Dibantu petugas
console-channel-counter = Di loket
console-channel-unknown = Saluran lain

## Halaman permohonan

console-back-to-queue = ← Kembali ke antrean kerja
console-application-title = Permohonan
console-application-heading = Permohonan { $code }
console-submitted-at = Diajukan
console-unassigned = Belum ditugaskan
console-actions = Tindakan
console-no-actions = Tidak ada tindakan untuk permohonan dengan status ini.
console-action-accept = Terima
console-action-supplement = Minta kelengkapan
console-action-complete = Hasil siap
console-action-reject = Tolak
console-action-dispatch = Kirim lewat pos
console-action-deliver = Tandai sudah diantar
console-action-hand-over = Diserahkan di loket
console-action-done = Tercatat: { $action }.
console-supplement-note = Apa yang harus dilengkapi pemohon (wajib)
console-reject-reason = Alasan penolakan (wajib)
console-tracking-number = Nomor resi
console-assign-to = Tugaskan kepada
console-assign-choose = Pilih petugas
console-assign = Tugaskan
console-assign-done = Permohonan telah ditugaskan.
console-warnings = Peringatan keterlambatan yang dikirim
console-form-data = Isian formulir
console-attachments = Lampiran
console-no-attachments = Tidak ada lampiran.
console-attachment-file = Berkas terlampir
console-attachment-wallet = Dokumen dari gudang data
console-attachment-view = Lihat
console-attachment-download = Unduh
console-delivery = Pengambilan hasil
console-delivery-counter = Di loket satu pintu
console-delivery-post = Lewat pos
console-delivery-state-preparing = Sedang disiapkan
console-delivery-state-dispatched = Dikirim
console-delivery-state-delivered = Sudah diantar
console-delivery-state-returned = Dikembalikan ke pengirim
console-delivery-state-unknown = Tidak diketahui
console-timeline = Riwayat

## Permohonan di loket

console-counter-title = Permohonan di loket
console-counter-intro = Masukkan permohonan kertas yang diserahkan di loket instansi. Pemohon menerima SMS berisi kode permohonan.
console-counter-applicant = Pemohon
console-counter-id-number = Nomor identitas pribadi (12 angka)
console-counter-name = Nama lengkap
console-counter-phone = Nomor telepon
console-counter-unit-none = Tidak dipilih
console-counter-procedure = Prosedur dan formulir
console-counter-choose-procedure = Pilih prosedur
console-counter-choose = Pilih
console-counter-street = Nomor rumah dan jalan
console-counter-submit = Catat permohonan
console-counter-created = Permohonan { $code } tercatat.
console-counter-open = Buka permohonan

## Ikhtisar

console-overview-title = Ikhtisar dan peringatan dini
console-overview-generated = Angka per { $at }
console-overview-due-today = Tenggat hari ini
console-overview-due-within-one = Tenggat dalam satu hari kerja
console-overview-overdue = Terlambat
console-overview-on-time = Tepat waktu (30 hari)
console-overview-median-online = Waktu proses (daring)
console-overview-median-counter = Waktu proses (loket)
console-overview-same-day = Selesai di hari yang sama
console-overview-post = Hasil diantar lewat pos
console-overview-rating = Penilaian warga
console-overview-rating-value = { $average }/5 ({ $count } penilaian)
console-overview-due-histogram = Permohonan terbuka per hari tenggat (10 hari kerja ke depan)
console-overview-on-time-chart = Tingkat tepat waktu 30 hari, per instansi
console-forecast-title = Perkiraan permohonan baru (10 hari kerja ke depan)
console-forecast-method = Model: { $method }.
console-forecast-error = Galat rata-rata pada { $days } hari kerja terakhir (disisihkan): { $model } permohonan per hari; menyalin minggu lalu: { $naive }.
console-forecast-no-error = Riwayat terlalu pendek untuk mengukur galat.
console-forecast-date = Hari
console-forecast-expected = Perkiraan
console-forecast-range = Rentang 80%

## Pengaduan warga

console-nav-feedback = Pengaduan
console-feedback-queue-title = Pengaduan yang perlu dijawab
console-feedback-queue-intro = Sisa waktu tersedikit di atas: jawab dalam 4 jam (termasuk malam dan hari libur), selesaikan dalam 3 hari kerja.
console-feedback-filters = Saring pengaduan
console-feedback-filter-scope = Tampilkan
console-feedback-filter-open = Belum ditutup
console-feedback-filter-all = Semua, termasuk yang ditutup
console-feedback-filter-category = Kategori
console-feedback-caption = Pengaduan instansi Anda, sisa waktu tersedikit di atas
console-feedback-total = Menampilkan { $shown } dari { $total } pengaduan
console-feedback-empty = Tidak ada pengaduan yang cocok dengan saringan.
console-feedback-column-time-left = Sisa waktu
console-feedback-column-category = Kategori
console-feedback-column-summary = Isi
console-feedback-column-received = Diterima
console-feedback-photo-count = { $count } foto
console-time-left-minutes = Sisa { $minutes } mnt
console-time-left-hours = Sisa { $hours } j { $minutes } mnt
console-time-left-days = Sisa { $days } h { $hours } j
console-time-late-minutes = Terlambat { $minutes } mnt
console-time-late-hours = Terlambat { $hours } j { $minutes } mnt
console-time-late-days = Terlambat { $days } h { $hours } j
console-time-stopped = Ditutup
console-clock-answer = Batas jawaban
console-clock-resolve = Batas penyelesaian
console-clock-stopped = Waktu tidak berjalan
console-clock-unknown = Batas lain
console-feedback-status-received = Diterima
console-feedback-status-assigned = Ditugaskan
console-feedback-status-answered = Dijawab, sedang diselesaikan
console-feedback-status-closed = Ditutup
console-feedback-status-reopened = Dibuka lagi oleh warga
console-feedback-status-unknown = Status lain
console-feedback-channel-app = Aplikasi OpenDVC
console-feedback-channel-open311 = Aplikasi lain (Open311)
console-feedback-channel-unknown = Saluran lain
console-feedback-event-received = Diterima
console-feedback-event-assigned = Ditugaskan
console-feedback-event-handed-off = Diserahkan ke instansi lain
console-feedback-event-answered = Dijawab
console-feedback-event-closed = Ditutup
console-feedback-event-reopened = Dibuka lagi oleh warga
console-feedback-event-rated = Dinilai oleh warga
console-feedback-event-unknown = Kejadian lain
console-feedback-event-agency = ke { $agency }

## Halaman pengaduan

console-back-to-feedback = ← Kembali ke pengaduan
console-feedback-title = Pengaduan
console-feedback-heading = Pengaduan: { $category }
console-feedback-due-at = Batas jawaban
console-feedback-answered-at = dijawab { $at }
console-feedback-resolve-by = Batas penyelesaian
console-feedback-closed-at = ditutup { $at }
console-feedback-agency = Instansi penanggung jawab
console-feedback-received-via = Diterima melalui
console-feedback-reporter = Pelapor
console-feedback-reporter-unknown = Tanpa kontak
console-feedback-rating = Penilaian
console-feedback-rating-value = { $stars }/5
console-feedback-description = Yang ditulis warga
console-feedback-place = Tempat
console-feedback-no-place = Warga tidak menyebutkan tempat.
console-feedback-address = Alamat
console-feedback-point = Titik (lintang, bujur)
console-feedback-map = Lihat di peta
console-feedback-photos = Foto dari warga
console-feedback-no-photos = Tidak ada foto.
console-feedback-photo-alt = Foto warga { $index } dari { $count } (buka ukuran penuh)
console-feedback-answer-photo-alt = Foto jawaban (buka ukuran penuh)
console-feedback-no-actions = Tidak ada tindakan untuk pengaduan dalam status ini.
console-feedback-take = Ambil pengaduan ini
console-feedback-assign-done = Pengaduan ditugaskan.
console-feedback-assign-agency = Tugaskan ke instansi
console-feedback-reassign = Tugaskan ulang
console-answer-title = Jawab warga
console-answer-go = Tulis jawaban ↓
console-answer-text = Jawaban (wajib)
console-answer-text-hint = Sebutkan apa yang akan atau sudah dilakukan dan siapa yang menangani. Warga membacanya apa adanya.
console-answer-text-required = Tulis jawabannya.
console-answer-text-too-long = Jawaban lebih dari { $max } karakter.
console-answer-photo = Foto (tidak wajib)
console-answer-photo-type = Hanya foto JPEG, PNG, WebP atau HEIC.
console-answer-photo-too-large = Foto lebih dari 20 MB.
console-answer-resolved = Sudah selesai (menutup pengaduan)
console-answer-send = Kirim jawaban
console-answer-done = Jawaban sudah dikirim ke warga.
console-answer-done-closed = Jawaban sudah dikirim dan pengaduan ditutup.
console-hand-off-title = Serahkan ke instansi lain
console-hand-off-hint = Waktu tetap berjalan; penyerahan tampil di riwayat yang dilihat warga.
console-hand-off-agency = Instansi penerima
console-hand-off-choose = Pilih instansi
console-hand-off-agency-required = Pilih instansi penerima.
console-hand-off-note = Alasan (wajib)
console-hand-off-note-required = Tulis alasan penyerahan.
console-hand-off-send = Serahkan
console-hand-off-done = Diserahkan ke { $agency }.

## An application's payments (receipts, cash taken, refunds)

console-payments = Pembayaran biaya
console-payment-due = Jumlah yang harus dibayar:
console-payment-amount = { $amount } VND
console-no-payments = Belum ada pembayaran.
console-payment-method-vnpay = VNPay (online)
console-payment-method-counter = Di loket
console-payment-method-cod = Tunai ke petugas pos
console-payment-status-pending = Menunggu
console-payment-status-paid = Sudah dibayar
console-payment-status-failed = Tidak berhasil
console-payment-status-expired = Kedaluwarsa
console-payment-status-refunded = Dikembalikan
console-payment-receipt = Kuitansi { $number }
console-payment-record = Catat uang tunai yang diterima
console-payment-record-counter = Diterima di loket
console-payment-record-cod = Diterima petugas pos saat pengantaran
console-payment-record-button = Catat { $amount } diterima
console-payment-recorded = { $amount } dicatat diterima; kuitansi elektronik sudah diterbitkan.
console-payment-refund = Kembalikan dana
console-payment-refund-confirm = Konfirmasi pengembalian { $amount }
console-payment-refunded = Pembayaran warga sudah dikembalikan.
