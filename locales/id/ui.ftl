# Antarmuka web OpenDVC — bahasa Indonesia. Setiap pesan di sini juga ada di vi/ui.ftl dan
# en/ui.ftl (diperiksa oleh ui/scripts/check-locales.mjs). Bahasa sumber: Vietnam.

## Umum

ui-loading = Memuat…
ui-try-again = Coba lagi
ui-error-title = Terjadi kesalahan
ui-back = Kembali
ui-back-home = Ke halaman utama
ui-cancel = Batal
ui-save = Simpan
ui-save-continue = Simpan dan lanjutkan
ui-send = Kirim
ui-change = Ubah
ui-optional = tidak wajib
ui-skip-to-content = Langsung ke konten utama
ui-not-found-title = Halaman tidak ditemukan
ui-online = Daring
ui-offline = Luring
ui-offline-banner = Anda sedang luring. Yang Anda lihat adalah data yang tersimpan di perangkat ini. Apa yang Anda kirim sekarang disimpan dan dikirim saat Anda kembali daring.
ui-synced-at = Terakhir diperbarui { $time }
ui-waiting-to-send = Menunggu dikirim
ui-overdue = Terlambat
ui-working-days = { $days } hari kerja

## Navigasi

ui-nav-main = Menu utama
ui-nav-more = Lainnya
ui-nav-home = Beranda
ui-nav-applications = Permohonan
ui-nav-services = Layanan
ui-nav-documents = Dokumen
ui-nav-inbox = Kotak masuk
ui-nav-queue = Antrean
ui-nav-settings = Pengaturan

## Kesalahan

ui-error-summary-title = Ada masalah

## Masuk

ui-signin-title = Masuk
ui-signin-intro = Masuk dengan nomor identitas pribadi Anda. Kami mengirim kode sekali pakai ke nomor telepon yang terdaftar.
ui-signin-id-label = Nomor identitas pribadi
ui-signin-id-hint = 12 angka pada kartu identitas warga Anda
ui-signin-id-invalid = Masukkan nomor identitas pribadi Anda: 12 angka
ui-signin-send-code = Kirimi saya kode
ui-signin-code-sent = Kami telah mengirim kode 6 angka lewat SMS ke telepon Anda yang terdaftar.
ui-signin-otp-label = Kode dari SMS
ui-signin-otp-hint = 6 angka
ui-signin-otp-invalid = Masukkan kode 6 angka dari SMS
ui-signin-submit = Masuk
ui-signin-resend = Kirim kode baru
ui-signin-code-resent = Kami telah mengirim kode baru. Gunakan yang terbaru.
ui-signin-change-id = Pakai nomor lain

## Beranda

ui-home-greeting = Halo, { $name }
ui-home-all-clear-title = Tidak ada yang perlu Anda lakukan sekarang
ui-home-all-clear = Permohonan Anda sedang diproses dan dokumen Anda masih berlaku.
ui-home-needs-action = Perlu perhatian Anda
ui-home-supplement-needed = Kantor meminta dokumen atau keterangan tambahan.
ui-home-overdue = Seharusnya selesai paling lambat { $date }.
ui-home-waiting = { $count } item menunggu dikirim
ui-home-queue-attention = { $count } kiriman Anda perlu perhatian Anda
ui-home-queue-attention-link = Lihat yang perlu diperbaiki
ui-home-see-queue = Lihat yang menunggu dikirim
ui-home-renewals = Dokumen yang perlu segera diperpanjang
ui-home-see-documents = Lihat dokumen saya
ui-home-shortcuts = Apa yang ingin Anda lakukan?
ui-home-new-application = Ajukan permohonan baru
ui-home-my-applications = Permohonan saya ({ $count })
ui-home-inbox = Kotak masuk ({ $count } baru)

## Permohonan

ui-applications-title = Permohonan saya
ui-applications-empty = Anda belum punya permohonan.
ui-application-code = Kode permohonan: { $code }
ui-application-submitted = Dikirim { $date }
ui-application-code-label = Kode permohonan
ui-application-submitted-label = Dikirim
ui-application-due-label = Batas waktu
ui-application-processing-days = ({ $days } hari kerja)
ui-application-days-left = { $days ->
    [0] batas waktunya hari ini
   *[other] sisa { $days } hari kerja
}
ui-application-fee-label = Biaya
ui-application-delivery-label = Hasil
ui-application-assisted-label = Dikirimkan untuk Anda di
ui-application-overdue-warning = Permohonan ini terlambat: seharusnya selesai paling lambat { $date }. Anda dapat bertanya di loket pelayanan satu pintu dengan kode permohonan Anda.
ui-application-overdue-warned = Permohonan ini terlambat: seharusnya selesai paling lambat { $date }. { $agency } telah diperingatkan pada { $warnedAt }. Anda dapat menelepon mereka dengan kode permohonan Anda.
ui-application-overdue-phone = Telepon
ui-application-overdue-address = Alamat
ui-application-supplement-title = Kantor membutuhkan tambahan dari Anda
ui-application-supplement-body = Baca catatan pada riwayat di bawah, lalu kirim yang diminta.
ui-application-timeline = Riwayat
ui-application-actions = Yang dapat Anda lakukan
ui-action-supplement = Kirim dokumen tambahan
ui-action-change-delivery = Ubah cara menerima hasil
ui-action-rate = Beri penilaian layanan
ui-action-withdraw = Tarik permohonan
ui-supplement-note = Apa yang Anda kirim?
ui-supplement-files = Berkas yang dikirim (tidak wajib)
ui-supplement-files-hint = Foto atau berkas PDF, masing-masing lebih kecil dari 20 MB
ui-supplement-note-missing = Tuliskan apa yang Anda kirim, atau tambahkan berkas
ui-withdraw-reason = Mengapa Anda menarik permohonan? (tidak wajib)
ui-withdraw-confirm = Tarik permohonan ini? Ini tidak dapat dibatalkan.
ui-rating-question = Bagaimana layanan ini?
ui-rating-stars = { $stars } bintang
ui-rating-comment = Ada tambahan? (tidak wajib)
ui-rating-missing = Pilih 1 sampai 5 bintang
ui-rating-given = Anda memberi nilai { $stars } dari 5.
ui-followup-sent = Terkirim.
ui-followup-saved = Disimpan di perangkat ini. Akan dikirim saat Anda daring.

## Status

ui-status-awaiting-payment = Menunggu pembayaran
ui-status-received = Diterima
ui-status-processing = Sedang diproses
ui-status-supplement-requested = Perlu tambahan dari Anda
ui-status-completed = Hasil siap
ui-status-handed-over = Hasil sudah diserahkan
ui-status-rejected = Ditolak
ui-status-withdrawn = Ditarik
ui-status-unknown = Status tidak diketahui

## Pengiriman hasil

ui-delivery-question = Bagaimana Anda ingin menerima hasilnya?
ui-delivery-counter = Ambil di loket satu pintu
ui-delivery-post = Kirim ke rumah lewat pos
ui-delivery-post-hint = Kantor pos mengantarnya ke rumah Anda. Anda membayar saat menerima.
ui-delivery-post-available = Pengiriman lewat pos
ui-delivery-payable = Anda bayar { $amount } saat menerima
ui-delivery-tracking = Nomor resi: { $number }
ui-delivery-name = Nama penerima
ui-delivery-phone = Nomor telepon untuk kurir
ui-delivery-phone-hint = Contoh 0905 123 456
ui-delivery-method-missing = Pilih cara menerima hasil
ui-delivery-name-missing = Masukkan nama penerima
ui-delivery-phone-invalid = Masukkan nomor telepon, contoh 0905 123 456
ui-delivery-state-preparing = Sedang disiapkan
ui-delivery-state-dispatched = Dalam perjalanan
ui-delivery-state-delivered = Sudah diterima
ui-delivery-state-returned = Dikembalikan ke kantor
ui-delivery-state-unknown = Status pengiriman tidak diketahui

## Alamat

ui-address-province = Provinsi atau kota
ui-address-choose = Pilih…
ui-address-unit-search = Cari kelurahan atau desa Anda
ui-address-unit-hint = Anda juga dapat mengetik nama lama, misalnya kelurahan atau distrik lama.
ui-address-unit = Kelurahan, desa, atau zona khusus
ui-address-no-unit = Tidak ada kelurahan atau desa dengan nama ini. Periksa ejaannya.
ui-address-formerly = dahulu { $name }
ui-address-street = Nomor rumah dan jalan
ui-address-street-hint = Contoh 12 Lê Lợi, atau dusun atau kelompok
ui-address-province-missing = Pilih provinsi atau kota
ui-address-unit-missing = Pilih kelurahan, desa, atau zona khusus
ui-address-street-missing = Masukkan nomor rumah dan jalan

## Layanan

ui-services-title = Layanan publik
ui-services-search = Cari layanan
ui-services-search-hint = Contoh: cap doi can cuoc, paspor, akta kelahiran
ui-services-results = { $count } layanan ditemukan
ui-services-count = { $count } layanan
ui-services-no-results = Tidak ada layanan yang cocok. Coba kata lain.
ui-services-empty = Daftar layanan belum ada di perangkat ini. Sambungkan ke internet, lalu coba lagi.
ui-sector-identity = Kartu identitas dan paspor
ui-sector-civil-status = Kelahiran, perkawinan, dan kematian
ui-sector-residence = Tempat tinggal
ui-sector-transport = Kendaraan dan mengemudi
ui-sector-health = Kesehatan
ui-sector-social = Bantuan sosial dan asuransi
ui-sector-education = Pendidikan
ui-sector-land = Tanah dan perumahan
ui-sector-construction = Bangunan
ui-sector-business = Usaha
ui-sector-justice = Hukum dan legalisasi
ui-sector-other = Layanan lainnya
ui-online-full = Sepenuhnya daring
ui-online-partial = Sebagian daring
ui-procedure-code = Kode prosedur { $code }
ui-procedure-time-online = Waktu jika mengajukan daring
ui-procedure-time-in-person = Waktu di loket
ui-procedure-online-level = Daring
ui-procedure-fees = Biaya
ui-procedure-free = Gratis.
ui-fee-online = { $amount } secara daring
ui-fee-counter = { $amount } di loket
ui-fee-illustrative = nilai ilustratif
ui-fee-total = Total
ui-fee-choose-case = Pilih biaya yang berlaku bagi Anda
ui-fee-not-quoted = Biaya belum dapat dihitung: jawab semua pertanyaan dan pilih cara menerima hasil.
ui-fee-one-case-applies = Hanya satu dari biaya berikut yang berlaku untuk permohonan Anda.
ui-fee-add-on = Tambahan: { $label }
ui-fee-exemptions = Pembebasan dan pengurangan biaya
ui-delivery-subsidy-share = kota menanggung { $percent }%
ui-procedure-documents = Dokumen yang diperlukan
ui-procedure-no-documents = Tidak perlu dokumen.
ui-procedure-from-wallet = sudah ada di dokumen Anda
ui-procedure-delivery = Cara menerima hasil
ui-procedure-start = Ajukan secara daring

## Mengajukan

ui-apply-title = Permohonan Anda
ui-apply-task-details = Data Anda
ui-apply-task-documents = Dokumen
ui-apply-task-delivery = Cara menerima hasil
ui-apply-task-check = Periksa dan kirim
ui-task-completed = Selesai
ui-task-not-started = Belum dimulai
ui-task-cannot-start = Belum bisa dimulai
ui-apply-prefilled = Kami sudah mengisi yang kami ketahui tentang Anda. Periksa dan ubah jika ada yang salah.
ui-apply-from-wallet = Pakai { $name } no. { $number } dari dokumen saya
ui-apply-choose-file = Atau pilih foto atau berkas PDF
ui-apply-file-chosen = Berkas dipilih: { $name }
ui-apply-file-attached = Berkas terlampir
ui-apply-document-missing = Tambahkan { $name }
ui-apply-not-provided = Tidak diberikan
ui-field-invalid = { $label } tidak valid
ui-field-date-hint = Contoh 2026-03-27
ui-check-title = Periksa jawaban Anda sebelum mengirim
ui-check-declaration-title = Kirim permohonan Anda
ui-check-declaration = Dengan mengirim permohonan ini, Anda menyatakan bahwa data yang Anda berikan benar sepanjang pengetahuan Anda.
ui-check-submit = Setuju dan kirim
ui-done-sent-title = Permohonan terkirim
ui-done-code = Kode permohonan Anda
ui-done-sent-body = Kami akan memberi tahu Anda saat statusnya berubah. Anda dapat memantaunya di Permohonan saya.
ui-done-see-application = Lihat permohonan
ui-done-saved-title = Disimpan di perangkat ini
ui-done-saved-body = Anda sedang luring, jadi permohonan Anda disimpan di perangkat ini. Permohonan akan terkirim sendiri saat Anda daring. Anda tidak perlu mengirimnya lagi.

## Dokumen

ui-documents-title = Dokumen saya
ui-documents-empty = Belum ada dokumen di sini.
ui-documents-number = Nomor
ui-documents-issued = Diterbitkan
ui-documents-valid-until = Berlaku sampai
ui-documents-expires = { $date } ({ $days ->
    [0] berakhir hari ini
   *[other] sisa { $days } hari
})
ui-documents-expired-on = Kedaluwarsa pada { $date }
ui-documents-next-reminder = Pengingat berikutnya
ui-documents-reminders = Pengingat
ui-documents-renew = Perpanjang sekarang
ui-documents-add = Tambah dokumen
ui-documents-added = Dokumen ditambahkan.
ui-documents-export = Tambahkan pengingat ke kalender saya
ui-documents-download-calendar = Unduh berkas kalender
ui-documents-kind = Jenis dokumen
ui-documents-expires-on = Tanggal kedaluwarsa
ui-documents-issuer = Diterbitkan oleh
ui-documents-kind-missing = Pilih jenis dokumen
ui-documents-number-missing = Masukkan nomor dokumen
ui-documents-issued-missing = Masukkan tanggal terbit
ui-documents-issued-invalid = Tanggal terbit tidak boleh setelah hari ini
ui-documents-expires-invalid = Tanggal kedaluwarsa harus tanggal yang benar setelah tanggal terbit
ui-documents-issuer-missing = Masukkan penerbitnya
ui-doc-kind-id-card = Kartu identitas warga
ui-doc-kind-passport = Paspor
ui-doc-kind-driving-licence = Surat izin mengemudi
ui-doc-kind-temporary-residence = Pendaftaran tempat tinggal sementara
ui-doc-kind-health-insurance = Kartu asuransi kesehatan
ui-doc-kind-vehicle-inspection = Sertifikat uji kendaraan
ui-doc-kind-vehicle-registration = Surat tanda nomor kendaraan
ui-doc-kind-birth-certificate = Akta kelahiran
ui-doc-kind-marriage-certificate = Akta perkawinan
ui-doc-kind-land-certificate = Sertifikat hak guna tanah
ui-doc-kind-construction-permit = Izin mendirikan bangunan
ui-doc-kind-household-business = Pendaftaran usaha rumah tangga
ui-doc-kind-health-certificate = Surat keterangan sehat
ui-doc-kind-social-insurance = Buku asuransi sosial
ui-standing-valid = Berlaku
ui-standing-renew-soon = Segera perpanjang
ui-standing-expired = Kedaluwarsa
ui-standing-no-expiry = Berlaku seumur hidup
ui-standing-unknown = Masa berlaku tidak diketahui
ui-reminder-on = Aktif
ui-reminder-off = Nonaktif
ui-reminder-snoozed-until = Dijeda sampai { $date }
ui-reminder-snooze = Ingatkan saya 30 hari lagi
ui-reminder-turn-off = Matikan pengingat
ui-reminder-turn-on = Nyalakan pengingat
ui-reminder-turned-on = Pengingat aktif.
ui-reminder-turned-off = Pengingat dimatikan.
ui-reminder-snoozed = Kami akan mengingatkan Anda lagi 30 hari lagi.

## Kotak masuk

ui-inbox-title = Kotak masuk
ui-inbox-empty = Belum ada pesan.
ui-inbox-new = Baru
ui-inbox-open-application = Buka permohonan
ui-category-status = Status permohonan
ui-category-delivery = Pengiriman hasil
ui-category-renewal = Pengingat perpanjangan
ui-category-notice = Pengumuman dari pemerintah kota
ui-category-feedback = Masukan untuk pemerintah kota

## Antrean kirim

ui-queue-title = Menunggu dikirim
ui-queue-intro = Apa yang Anda kirim disimpan di perangkat ini sampai layanan menerimanya. Tidak ada yang hilang saat Anda luring.
ui-queue-empty = Semua sudah terkirim.
ui-queue-offline = Anda sedang luring. Item ini akan dikirim saat Anda kembali daring.
ui-queue-paused-auth = Pengiriman dijeda karena sesi masuk Anda berakhir. Masuk lagi untuk melanjutkan.
ui-queue-state-queued = Menunggu
ui-queue-state-sending = Mengirim
ui-queue-state-sent = Terkirim
ui-queue-state-needs-attention = Perlu perhatian Anda
ui-queue-state-paused-auth = Dijeda: masuk lagi
ui-queue-kind-application = Permohonan baru
ui-queue-kind-attachment = Berkas
ui-queue-kind-supplement = Dokumen tambahan
ui-queue-kind-delivery-change = Perubahan pengiriman
ui-queue-kind-withdrawal = Penarikan
ui-queue-kind-rating = Penilaian
ui-queue-kind-feedback = Pengaduan baru
ui-queue-kind-feedback-rating = Penilaian pengaduan
ui-queue-kind-feedback-reopen = Pengaduan dibuka kembali
ui-queue-progress = { $sent } dari { $total } terkirim
ui-queue-attempts = Sudah dicoba { $count } kali.
ui-queue-next-attempt = Percobaan berikutnya pukul { $time }.
ui-queue-what-to-fix = Yang perlu diperbaiki
ui-queue-retry = Coba kirim lagi sekarang
ui-queue-retrying = Mencoba lagi.
ui-queue-discard = Buang
ui-queue-discard-confirm = Buang item ini? Item ini tidak akan dikirim dan Anda harus mengulang dari awal.
ui-queue-discarded = Dibuang.
ui-queue-discard-reached-portal = Item ini sudah sampai di portal, jadi tidak dibuang: permohonan { $code } sudah ada. Tarik permohonan itu jika tidak lagi diperlukan.
ui-queue-discard-reached-portal-item = Item ini sudah sampai di portal, jadi tidak dibuang: portal sudah menerimanya.
ui-queue-sync-now = Perbarui sekarang

## Pengaturan

ui-settings-title = Pengaturan
ui-settings-language = Bahasa
ui-settings-notifications = Notifikasi
ui-settings-categories = Beri tahu saya tentang
ui-settings-quiet = Jam tenang
ui-settings-quiet-hint = Tanpa bunyi atau jendela pemberitahuan pada malam hari. Pesan tetap masuk ke kotak masuk.
ui-settings-quiet-from = Dari
ui-settings-quiet-to = Sampai
ui-settings-time-invalid = Masukkan jam, contoh 22:00
ui-settings-saved = Pengaturan disimpan.
ui-settings-account = Akun dan perangkat ini
ui-settings-signed-in-as = Masuk sebagai { $name }
ui-settings-tokens-keyring = Data masuk Anda disimpan di: penyimpanan kunci sistem.
ui-settings-tokens-private-file = Data masuk Anda disimpan di: berkas yang hanya dapat Anda baca (perangkat ini tidak memiliki penyimpanan kunci sistem).
ui-settings-sign-out = Keluar
ui-settings-sign-out-confirm = Keluar? Item yang menunggu dikirim tetap ada di perangkat ini.
ui-settings-clear = Hapus data saya dari perangkat ini
ui-settings-clear-confirm = Hapus semua data Anda dari perangkat ini? Item yang belum terkirim akan hilang.
ui-settings-clear-hint = Gunakan ini di perangkat bersama atau pinjaman.

## Shared devices: DVC agents at post offices, volunteers at outreach events

ui-signin-staff-link = Agen DVC atau relawan? Masuk di sini
ui-staff-signin-title = Masuk petugas
ui-staff-signin-intro = Untuk agen layanan publik (DVC) di kantor pos dan relawan tim teknologi digital komunitas. Perangkat ini dipakai bersama: data setiap warga dihapus ketika sesi pendampingannya berakhir.
ui-staff-code = Kode petugas
ui-staff-code-hint = Contoh: BDDN-HC-01
ui-staff-code-missing = Isi kode petugas Anda
ui-staff-password = Kata sandi
ui-staff-password-missing = Isi kata sandi Anda
ui-staff-where = Di mana Anda bertugas hari ini?
ui-staff-where-post-office = Di loket kantor pos
ui-staff-where-event = Di acara jemput bola (tim teknologi digital komunitas)
ui-staff-post-office = Kantor pos
ui-staff-post-office-hint = Kosongkan untuk kantor pos tempat Anda bekerja.
ui-staff-event-name = Nama acara
ui-staff-event-name-hint = Contoh: Hari layanan publik dekat warga
ui-staff-event-name-missing = Isi nama acara
ui-staff-event-unit-missing = Pilih kelurahan atau desa tempat acara berlangsung
ui-staff-event-date = Tanggal acara
ui-staff-event-date-missing = Isi tanggal acara
ui-staff-password-changed = Baru mengganti kata sandi?
ui-staff-previous-password-hint = Isi kata sandi lama untuk membuka pengajuan yang menunggu dan terenkripsi di perangkat ini.
ui-staff-previous-password = Kata sandi lama
ui-staff-signin-submit = Masuk
ui-staff-citizen-instead = Saya warga: masuk dengan nomor identitas pribadi
ui-staff-home-title = Meja layanan
ui-staff-venue-post-office = Agen layanan publik di kantor pos
ui-staff-venue-event = Acara jemput bola
ui-staff-signed-in-as = Petugas: { $name } ({ $code })
ui-staff-serve = Layani warga berikutnya
ui-staff-ended-title = Sesi pendampingan telah berakhir
ui-staff-ended-body = Semua data warga yang baru dilayani telah dihapus dari perangkat ini. Pengajuan yang belum terkirim disimpan terenkripsi sampai portal menerimanya.
ui-staff-tally-today = Hari ini
ui-staff-tally-event = Rekap acara
ui-staff-tally-people = Warga dibantu
ui-staff-tally-submissions = Pengajuan
ui-staff-tally-sent = Terkirim
ui-staff-tally-waiting = Menunggu dikirim
ui-staff-tally-attention = Perlu perhatian
ui-staff-tally-per-service = Per layanan
ui-staff-tally-service = Layanan
ui-staff-tally-chart = Grafik
ui-staff-tally-entries = Pengajuan yang dibuat
ui-staff-tally-empty = Belum ada pengajuan.
ui-staff-tally-csv = Ekspor rekap (CSV)
ui-staff-tally-csv-download = Unduh berkas CSV
ui-staff-tally-csv-hint = Berkas CSV hanya berisi jumlah per layanan: tanpa kode pengajuan, tanpa data pribadi.
ui-staff-end-of-day = Akhir hari kerja
ui-staff-sign-out-hint = Pengajuan yang belum terkirim tetap tersimpan terenkripsi di perangkat ini dan dikirim setelah Anda masuk lagi.
ui-staff-sign-out = Keluar dari mode petugas
ui-serve-title = Layani warga
ui-serve-intro = Warga mengizinkan Anda bertindak atas namanya dengan kode yang dikirim ke ponselnya, atau dengan formulir persetujuan kertas yang ditandatanganinya.
ui-serve-id-label = Nomor identitas pribadi warga
ui-serve-consent = Bagaimana warga memberi persetujuan?
ui-serve-consent-otp = Kode yang dikirim ke ponsel warga
ui-serve-consent-otp-hint = Warga membacakan kode 6 angka dari pesan singkat.
ui-serve-consent-otp-offline = Tidak tersedia saat luring.
ui-serve-consent-paper = Formulir persetujuan kertas
ui-serve-consent-paper-hint = Warga menandatangani formulir; Anda mengisi nomor referensi yang tercetak di sana. Bisa juga saat luring.
ui-serve-send-code = Kirim kode ke warga
ui-serve-code-sent = Kode telah dikirim ke ponsel warga yang terdaftar.
ui-serve-otp-label = Kode yang diterima warga
ui-serve-reference-label = Nomor referensi formulir persetujuan
ui-serve-reference-hint = Contoh: GIAYUQ-2026-000123
ui-serve-reference-missing = Isi nomor referensi formulir persetujuan
ui-serve-open = Mulai sesi pendampingan
ui-session-banner-label = Sesi pendampingan
ui-session-serving = Melayani: { $initials }
ui-session-initials-unknown = warga (belum dikonfirmasi daring)
ui-session-time-left = Sisa { $time }
ui-session-end = Akhiri sesi
ui-session-end-confirm = Akhiri sesi? Semua data warga ini akan dihapus dari perangkat. Pengajuan yang belum terkirim disimpan terenkripsi sampai terkirim.
ui-session-offline-title = Sesi pendampingan saat luring
ui-session-offline-body = Profil dan dokumen warga belum bisa dibaca dari gudang data. Isi datanya dan lampirkan foto dokumennya; pengajuan disimpan di perangkat dan dikirim saat koneksi kembali.
ui-session-paper-note = Persetujuan kertas: sesi ini dapat mengajukan tetapi tidak dapat membaca dokumen warga.
ui-session-paper-title = Sesi pendampingan dengan persetujuan kertas
ui-session-paper-body = Isi data warga dan lampirkan foto dokumen yang mereka bawa. Profil, dokumen, dan pengajuan mereka sebelumnya tidak ditampilkan di sini.
ui-lock-title = Perangkat terkunci
ui-lock-body = Perangkat terkunci sendiri karena lama tidak dipakai. { $name } memasukkan kata sandi untuk melanjutkan.
ui-lock-unlock = Buka kunci
ui-lock-now = Kunci
ui-receipt-title = Tanda terima pengajuan
ui-receipt-open = Cetak tanda terima
ui-receipt-language = Bahasa tanda terima
ui-receipt-print = Cetak
ui-receipt-print-hint = Dialog cetak juga dapat menyimpan tanda terima sebagai berkas PDF.
ui-done-saved-assisted = Tanda terima dengan kode pengajuan dapat dicetak setelah terkirim; warga juga menerima kodenya lewat pesan singkat.
ui-delivery-post-hint-post-office = Kantor pos mengantar hasilnya ke rumah warga.
ui-download-saved = Berkas disimpan ke { $path }
ui-download-failed = Berkas tidak dapat disimpan. Coba lagi.
ui-download-dismiss = Tutup pemberitahuan
ui-access-log-title = Siapa yang memakai data saya
ui-access-log-link-hint = Saat petugas kantor pos atau relawan membuka sesi pendampingan untuk Anda atau membaca data Anda.
ui-access-log-back = Kembali ke Pengaturan
ui-access-log-intro = Setiap kali petugas kantor pos atau relawan membuka sesi pendampingan untuk Anda atau membaca data Anda, portal layanan publik mencatatnya di sini. Jika ada yang tidak Anda setujui, laporkan ke layanan pengaduan layanan publik.
ui-access-log-empty = Belum ada yang memakai data Anda atas nama Anda.
ui-access-log-more = Tampilkan entri yang lebih lama
ui-access-log-time = Waktu (Vietnam)
ui-access-log-staff = Petugas
ui-access-log-staff-value = { $name } (kode { $code })
ui-access-log-organisation = Instansi
ui-access-log-venue = Tempat
ui-access-log-consent = Persetujuan
ui-access-log-consent-otp = Dengan kode yang dikirim ke ponsel Anda
ui-access-log-consent-paper = Dengan formulir persetujuan kertas
ui-notify-title = Pemberitahuan lewat SMS dan e-mail
ui-notify-link-hint = Pilih apakah portal layanan publik menghubungi Anda lewat aplikasi, SMS, atau e-mail, dan kapan tidak boleh ada SMS.
ui-notify-back = Kembali ke Pengaturan
ui-notify-intro = Portal layanan publik menghubungi Anda sesuai pilihan di bawah ini, di semua perangkat. Kode sekali pakai dan pemberitahuan sesi pendampingan selalu dikirim lewat SMS seketika.
ui-notify-category-status = Status permohonan
ui-notify-category-status-hint = Permohonan Anda diterima, perlu dilengkapi, selesai, atau ditolak.
ui-notify-category-delivery = Pengiriman hasil lewat pos
ui-notify-category-delivery-hint = Hasil Anda dikirim (dengan nomor resi) dan sudah diterima.
ui-notify-category-renewal = Pengingat perpanjangan dokumen
ui-notify-category-renewal-hint = Salah satu dokumen Anda akan segera habis masa berlakunya.
ui-notify-channel-app = Aplikasi
ui-notify-channel-sms = SMS
ui-notify-channel-email = E-mail
ui-notify-no-email = Profil Anda belum memiliki alamat e-mail, jadi tidak ada yang dapat dikirim lewat e-mail. Tambahkan di loket satu pintu.
ui-notify-quiet-title = Jam tenang untuk SMS
ui-notify-quiet-switch = Tanpa SMS selama jam tenang
ui-notify-quiet-hint = Waktu Vietnam. SMS yang jatuh pada jam ini ditahan dan dikirim saat jam tenang berakhir, tidak pernah dibuang. Aplikasi dan e-mail tidak ditahan.
ui-notify-saved = Tersimpan. Portal layanan publik akan menghubungi Anda sesuai pilihan ini.
ui-notify-offline = Anda sedang luring, jadi cara Anda dihubungi belum bisa diubah. Pilihan Anda masih ada di layar ini; tekan Simpan lagi saat daring.
ui-notify-offline-load = Anda sedang luring. Cara Anda dihubungi disimpan oleh portal layanan publik, jadi hanya bisa dilihat dan diubah saat daring.
ui-access-session-opened = Membuka sesi pendampingan
ui-access-read-profile = Membaca profil Anda
ui-access-read-documents = Membaca dokumen Anda
ui-access-read-applications = Membaca pengajuan Anda
ui-access-read-attachment = Membaca berkas
ui-access-read-changes = Membaca pembaruan Anda
ui-access-submitted-application = Mengajukan permohonan
ui-access-submitted-attachment = Mengunggah berkas
ui-access-submitted-other = Mengirim perubahan pada pengajuan
ui-lock-again-title = Masuk kembali
ui-lock-again-body = Setelah terlalu banyak kata sandi yang salah, perangkat menunggu sebelum setiap percobaan. Masuk kembali sebagai petugas (perlu jaringan) langsung membukanya.
ui-lock-again-password = Kata sandi petugas untuk masuk kembali
ui-lock-again = Masuk kembali sebagai petugas

## Pengaduan ke pemerintah kota

ui-nav-feedback = Pengaduan
ui-feedback-title = Pengaduan ke pemerintah kota
ui-feedback-intro = Laporkan masalah lingkungan, lalu lintas, ketertiban, jalan dan bangunan… Pusat operasi kota bekerja 24 jam dan menjawab dalam beberapa jam; instansi yang berwenang menyelesaikannya dalam beberapa hari kerja.
ui-feedback-new = Kirim pengaduan baru
ui-feedback-sent-heading = Pengaduan yang Anda kirim
ui-feedback-empty = Anda belum mengirim pengaduan.
ui-feedback-answer-due = Dijawab paling lambat { $time }
ui-feedback-resolve-by = Diselesaikan paling lambat { $time }
ui-feedback-status-received = Diterima
ui-feedback-status-assigned = Sedang ditangani
ui-feedback-status-answered = Sudah dijawab
ui-feedback-status-closed = Selesai
ui-feedback-status-reopened = Dibuka kembali
ui-feedback-status-unknown = Status tidak diketahui
ui-feedback-event-received = Diterima
ui-feedback-event-assigned = Diserahkan ke instansi yang berwenang
ui-feedback-event-handed-off = Dialihkan ke instansi lain
ui-feedback-event-answered = Dijawab
ui-feedback-event-closed = Selesai
ui-feedback-event-reopened = Anda membukanya kembali
ui-feedback-event-rated = Anda menilai jawabannya
ui-feedback-event-unknown = Pembaruan lain
ui-feedback-new-title = Kirim pengaduan baru
ui-feedback-new-intro = Pengaduan disimpan dulu di perangkat ini, jadi bisa ditulis tanpa koneksi: akan dikirim sekali saat Anda daring lagi.
ui-feedback-category = Tentang apa pengaduan Anda?
ui-feedback-category-missing = Pilih jenis pengaduan
ui-feedback-service-clocks = Dijawab dalam { $hours } jam, diselesaikan dalam { $days } hari kerja
ui-feedback-description = Apa yang terjadi
ui-feedback-description-hint = Apa yang terjadi, sejak kapan, dan apa dampaknya.
ui-feedback-description-missing = Jelaskan apa yang terjadi
ui-feedback-description-too-long = Terlalu panjang: paling banyak 4000 karakter
ui-feedback-characters = { $count } dari { $max } karakter
ui-feedback-photos = Foto (tidak wajib)
ui-feedback-photos-hint = Paling banyak { $max } foto. Foto besar diperkecil di perangkat ini sebelum dikirim.
ui-feedback-photos-too-many = Paling banyak 3 foto
ui-feedback-photo-unreadable = Foto ini tidak dapat dibaca. Pilih foto lain.
ui-feedback-photo-remove = Hapus { $name }
ui-feedback-place = Lokasi
ui-feedback-place-none = Tanpa lokasi
ui-feedback-place-address = Alamat
ui-feedback-place-point = Koordinat (lintang, bujur)
ui-feedback-point-hint = Ketik atau tempel koordinat dari peta, misalnya 16.0544, 108.2022.
ui-feedback-lat = Lintang
ui-feedback-long = Bujur
ui-feedback-lat-invalid = Masukkan lintang berupa angka dari -90 sampai 90, misalnya 16.0544
ui-feedback-long-invalid = Masukkan bujur berupa angka dari -180 sampai 180, misalnya 108.2022
ui-feedback-share = Izinkan lokasi ditampilkan untuk umum
ui-feedback-share-hint = Daftar pengaduan publik akan menampilkan lokasi ini. Jika tidak dipilih, hanya kelurahan atau desa yang ditampilkan. Lokasi pada foto selalu dihapus di perangkat ini.
ui-feedback-application = Terkait salah satu permohonan Anda (tidak wajib)
ui-feedback-application-none = Tidak terkait permohonan
ui-feedback-send = Kirim pengaduan
ui-feedback-filed-sent = Pengaduan Anda terkirim. Anda akan diberi tahu saat dijawab.
ui-feedback-filed-saved = Pengaduan Anda disimpan di perangkat ini. Akan dikirim saat Anda daring.
ui-feedback-missing-title = Pengaduan ini belum ada di perangkat ini
ui-feedback-missing-body = Pengaduan ini belum disinkronkan ke perangkat ini. Coba lagi saat Anda daring.
ui-feedback-answer = Jawaban instansi
ui-feedback-description-label = Isi pengaduan
ui-feedback-submitted-label = Dikirim pada
ui-feedback-answer-due-label = Batas waktu jawaban
ui-feedback-answered-at = Dijawab pada { $time }
ui-feedback-resolve-by-label = Batas waktu penyelesaian
ui-feedback-closed-at = Selesai pada { $time }
ui-feedback-agency-label = Instansi yang menangani
ui-feedback-photos-label = Foto
ui-feedback-photo-count = { $count } foto
ui-feedback-timeline = Riwayat penanganan
ui-feedback-rate = Nilai jawabannya
ui-feedback-rating-question = Seberapa baik jawabannya?
ui-feedback-reopen = Buka kembali pengaduan
ui-feedback-reopen-once = Jika jawaban tidak menyelesaikan masalahnya, Anda dapat membukanya kembali satu kali.
ui-feedback-reopen-reason = Mengapa belum selesai?
ui-feedback-reopen-reason-missing = Tuliskan alasan membuka kembali

# Profil pribadi (dideklarasikan sekali, dipakai berkali-kali): telepon, e-mail, alamat.
ui-profile-title = Profil pribadi
ui-profile-link-hint = Telepon, e-mail, dan alamat yang mengisi permohonan Anda.
ui-profile-identity = Identitas
ui-profile-full-name = Nama lengkap
ui-profile-id-number = Nomor identitas pribadi
ui-profile-birth-date = Tanggal lahir
ui-profile-identity-hint = Nama, nomor identitas, tanggal lahir, dan jenis kelamin hanya dapat diubah di aplikasi VNeID atau di kepolisian tingkat komune tempat Anda tinggal.
ui-profile-phone = Telepon
ui-profile-phone-hint = Kode masuk dikirim ke nomor ini. Menggantinya memerlukan kode yang dikirim ke nomor baru dan ke nomor lama.
ui-profile-email = E-mail
ui-profile-email-none = Belum ada
ui-profile-change = Ubah
ui-profile-phone-new = Nomor telepon baru
ui-profile-email-new = Alamat e-mail baru
ui-profile-send-code = Kirim kode konfirmasi
ui-profile-send-again = Kirim ulang kode
ui-profile-code = Kode konfirmasi yang dikirim ke alamat baru
ui-profile-old-phone-code = Kode konfirmasi yang dikirim ke telepon lama
ui-profile-confirm = Konfirmasi perubahan
ui-profile-code-sent-phone = Kode telah dikirim ke telepon baru dan lama Anda. Berlaku 5 menit.
ui-profile-code-sent-email = Kode telah dikirim ke alamat e-mail baru. Berlaku 5 menit.
ui-profile-code-invalid = Kode salah atau sudah kedaluwarsa. Pilih Kirim ulang kode.
ui-profile-field-invalid = Isian ini tidak sah.
ui-profile-value-missing = Masukkan nilai baru
ui-profile-permanent-address = Alamat tetap
ui-profile-current-address = Alamat saat ini
ui-profile-same-as-permanent = Sama dengan alamat tetap
ui-profile-street = Nomor rumah, jalan, dusun atau kelompok
ui-profile-street-missing = Masukkan nomor rumah, jalan, dusun atau kelompok
ui-profile-unit-missing = Pilih kelurahan, komune, atau zona khusus
ui-profile-language = Bahasa SMS dan e-mail
ui-profile-saved = Profil Anda tersimpan. Permohonan berikutnya diisi dengannya.
ui-profile-needs-connection = Mengubah profil memerlukan koneksi. Yang Anda ketik masih ada di layar ini.
ui-apply-use-previous = Pakai jawaban sebelumnya: { $value }

## Paying a fee (the "Pay" step of an application, the electronic receipt)

ui-payment-title = Bayar biaya
ui-payment-amount-due = Jumlah yang harus dibayar:
ui-payment-awaiting-hint = Permohonan ini diproses setelah biayanya dibayar.
ui-payment-choose-method = Pilih cara membayar
ui-payment-method-vnpay = Bayar online dengan VNPay
ui-payment-method-vnpay-hint = Membuka halaman pembayaran VNPay di peramban, lalu kembali ke aplikasi.
ui-payment-method-counter = Bayar di loket satu pintu
ui-payment-method-counter-hint = Bayar saat datang ke loket; petugas mencatatnya dan kuitansi muncul di sini.
ui-payment-method-cod = Bayar tunai ke petugas pos saat pengantaran
ui-payment-method-cod-hint = Hanya bila hasil dikirim lewat pos.
ui-payment-pay = Bayar { $amount }
ui-payment-try-again = Coba bayar lagi
ui-payment-needs-connection = Pembayaran memerlukan koneksi. Permohonan Anda tetap tersimpan; bayar saat Anda online.
ui-payment-failed-try-again = Pembayaran terakhir tidak berhasil dan tidak ada dana yang ditarik. Coba lagi.
ui-payment-expired-try-again = Pembayaran terakhir kedaluwarsa sebelum selesai. Coba lagi.
ui-payment-opened-browser = Halaman pembayaran VNPay terbuka di peramban. Setelah Anda membayar, aplikasi menampilkan hasilnya di sini.
ui-payment-choice-recorded = Pilihan cara bayar Anda sudah dicatat.
ui-payment-conflict = Permohonan ini sudah memiliki pembayaran yang sedang berjalan. Keadaan terbarunya ada di bawah.
ui-payment-pending-vnpay = Menunggu konfirmasi pembayaran dari VNPay.
ui-payment-continue = Lanjutkan pembayaran
ui-payment-check-again = Periksa pembayaran lagi
ui-payment-pending-counter = Bayar { $amount } di loket satu pintu. Setelah petugas mencatatnya, kuitansi elektronik muncul di sini.
ui-payment-pending-cod = Bayar { $amount } ke petugas pos saat hasil tiba. Kuitansi elektronik muncul di sini setelah itu.
ui-payment-started-at = Dimulai pada { $time }
ui-payment-paid = Sudah dibayar { $amount }.
ui-payment-refunded-note = { $amount } yang Anda bayar sudah dikembalikan.
ui-payment-refunded = Dikembalikan
ui-payment-returning = Memeriksa pembayaran…
ui-payment-to-applications = Kembali ke permohonan saya
ui-payment-status-pending = Menunggu konfirmasi
ui-payment-status-paid = Sudah dibayar
ui-payment-status-failed = Tidak berhasil
ui-payment-status-expired = Kedaluwarsa
ui-payment-status-refunded = Dikembalikan
ui-payment-receipts-title = Kuitansi elektronik
ui-payment-receipt-title = Kuitansi elektronik
ui-payment-receipt-number = Nomor kuitansi
ui-payment-receipt-payer = Dibayar oleh
ui-payment-receipt-amount = Jumlah
ui-payment-receipt-procedure = Prosedur
ui-payment-receipt-provider = Dibayar melalui
ui-payment-receipt-reference = Referensi transaksi
ui-payment-receipt-time = Waktu pembayaran
ui-payment-receipt-open-application = Lihat permohonan

## drafts

ui-home-drafts = Permohonan yang sedang diisi ({ $count })
ui-home-draft-changed = Terakhir diubah { $time }
ui-home-draft-resume = Lanjutkan
ui-home-draft-discard = Hapus draf
ui-home-draft-discard-confirm = Hapus draf ini? Yang sudah Anda isi akan hilang.
ui-apply-pick-again = { $count } berkas yang Anda pilih sebelumnya sudah tidak ada di perangkat ini; pilih lagi di bagian Dokumen.

## docs-upload

ui-queue-kind-document = Dokumen yang ditambahkan ke dompet

## desktop

ui-settings-display = Ukuran teks dan kontras
ui-settings-text-size = Ukuran teks
ui-settings-text-size-hint = Dibandingkan ukuran teks yang diatur di komputer ini.
ui-settings-text-size-option = { $percent }%
ui-settings-text-size-system = { $percent }% (seperti komputer ini)
ui-settings-high-contrast = Kontras tinggi
ui-settings-high-contrast-hint = Teks hitam di atas putih, dengan garis tepi dan tautan lebih tebal.
ui-settings-desktop = Saat jendela ditutup
ui-settings-keep-in-tray = Tetap berjalan di baki sistem saat jendela ditutup
ui-settings-keep-in-tray-hint = Agar kabar permohonan dan pengingat perpanjangan tetap sampai saat jendela tertutup. Pilih “Keluar” pada ikon di baki untuk menutup sepenuhnya.
ui-settings-open-at-login = Buka OpenDVC saat saya masuk ke komputer ini
