# Apa yang salah pada sebuah isian: setiap kode masalah dari aturan bersama (crates/rules) adalah satu pesan di sini.
# Aplikasi, baris perintah, dan portal memakai kode yang sama; $label adalah nama isian.

field-required = Masukkan { $label }
field-too-long = { $label } terlalu panjang
field-not-in-form = { $label } bukan isian prosedur ini
field-id-number-invalid = { $label } harus 12 angka
field-phone-invalid = { $label } harus nomor telepon Vietnam: ponsel 10 angka seperti 0905 123 456, atau telepon rumah 11 angka seperti 0236 3821 234
field-email-invalid = { $label } harus alamat e-mail, contoh nama@example.vn
field-date-invalid = { $label } harus tanggal yang benar, ditulis TTTT-BB-HH, contoh 2026-03-27
field-date-in-future = { $label } tidak boleh di masa depan
field-date-not-after-start = { $label } harus setelah tanggal mulai
field-number-invalid = { $label } harus bilangan bulat
field-option-invalid = Pilih { $label }
field-not-offered = Prosedur ini tidak menyediakan { $label }
field-unit-invalid = { $label } bukan kelurahan, desa, atau zona khusus dari provinsi atau kota yang dipilih
field-document-kind-invalid = { $label } bukan jenis dokumen
field-classes-invalid = { $label } bukan golongan SIM
field-requirement-unknown = Prosedur ini tidak meminta { $label }
field-attachment-not-yours = Berkas { $label } tidak diunggah oleh Anda
field-document-not-yours = Dokumen { $label } tidak ada di dompet dokumen Anda
field-fee-case-needed = Pilih biaya yang berlaku: { $label }
field-read-only = { $label } hanya dapat diubah di aplikasi VNeID atau di kepolisian tingkat komune tempat Anda tinggal
field-code-invalid = Kode konfirmasi untuk { $label } salah atau sudah kedaluwarsa: minta kode baru
field-invalid = { $label } tidak sah
