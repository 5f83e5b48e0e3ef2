# Mode petugas di perangkat bersama: agen DVC di kantor pos dan relawan di acara layanan keliling.

error-staff-not-signed-in = Belum ada petugas yang masuk di perangkat ini. Masuk dengan akun petugas terlebih dahulu.
error-officer-on-device = Pejabat memproses permohonan di sisi pejabat, bukan di perangkat layanan warga.
error-event-required = Relawan masuk untuk sebuah acara layanan: isi nama, tempat (kode unit setingkat desa) dan tanggalnya.
error-assisted-session-open = Ada sesi bantuan yang masih terbuka. Akhiri dulu sebelum melayani orang berikutnya.
error-no-assisted-session = Tidak ada sesi bantuan yang terbuka.
error-queue-key-locked = Kata sandi tidak membuka kunci antrean petugas ini; pengajuan yang menunggu tetap disimpan.
error-staff-files = Berkas mode petugas di perangkat ini tidak dapat dibaca atau ditulis.
error-assisted-session-expired = Sesi bantuan sudah berakhir. Akhiri sesi dan buka sesi baru dengan persetujuan warga.
error-receipt-not-ready = Permohonan belum terkirim; tanda terima dengan kode permohonan tersedia setelah terkirim.
error-print-failed = Dialog cetak tidak dapat dibuka. Coba lagi.
error-receipt-failed = Tanda terima tidak dapat dibuat.
error-device-locked = Perangkat ini terkunci. Petugas membukanya dengan kata sandinya.
error-staff-password-wrong = Kata sandi tidak sesuai dengan petugas yang masuk di perangkat ini.
error-unlock-wait = Terlalu banyak kata sandi yang salah. Tunggu sebelum mencoba lagi (waktu tunggu berlipat dua setiap kali salah), atau masuk kembali sebagai petugas saat daring.
error-event-invalid = Isi nama acara, unit setingkat kelurahan/desa, dan tanggalnya (tahun-bulan-tanggal).
error-invalid-day = Tanggal tidak valid; tulis sebagai tahun-bulan-tanggal.
staff-signed-in = Masuk: { $name } ({ $code }) di { $venue }.
staff-signed-out = Petugas telah keluar. Pengajuan yang menunggu tetap disimpan terenkripsi di perangkat ini.
staff-none = Belum ada petugas yang masuk.
staff-session = Melayani { $initials }, sisa { $minutes } menit.
assist-opened = Sesi bantuan untuk { $initials } terbuka sampai { $until }.
assist-code-sent = Kode persetujuan telah dikirim ke ponsel warga. Masukkan kodenya:
assist-ended = Sesi berakhir dan data warga dihapus dari perangkat ini. { $count } pengajuan menunggu dikirim (terenkripsi).
tally-summary = { $day }: { $people } orang dibantu, { $submissions } pengajuan ({ $sent } terkirim, { $waiting } menunggu, { $attention } perlu perhatian).
tally-service = { $service }: { $sent } terkirim, { $waiting } menunggu, { $attention } perlu perhatian
tally-csv-written = Rekap ditulis ke { $path }.
