# Teks portal referensi OpenDVC (pesan, kotak masuk).
otp-sms = OpenDVC: kode masuk Anda { $code }, berlaku { $minutes } menit. Jangan bagikan kode ini kepada siapa pun.
consent-sms = OpenDVC: { $staff } ({ $venue }) meminta izin membantu Anda mengajukan permohonan. Jika setuju, bacakan kode { $code } kepada petugas. Berlaku { $minutes } menit.
# Konfirmasi telepon atau e-mail baru di profil (PATCH /v1/me).
contact-code-sms = OpenDVC: kode konfirmasi nomor telepon baru Anda adalah { $code }, berlaku { $minutes } menit. Jangan bagikan kode ini kepada siapa pun.
contact-code-email-subject = OpenDVC: konfirmasi alamat e-mail Anda
contact-code-email = Kode konfirmasi alamat e-mail baru Anda adalah { $code }, berlaku { $minutes } menit. Jika Anda tidak meminta perubahan ini, abaikan pesan ini.
old-phone-code-sms = OpenDVC: ada permintaan mengganti nomor telepon masuk Anda ke nomor berakhiran { $ending }. Jika itu Anda, masukkan kode { $code } (berlaku { $minutes } menit). Jika bukan, jangan bagikan kode ini.
notice-received-sms = OpenDVC: pengajuan { $code } telah diterima, hasil dijadwalkan { $due }. Status: { $link }
# Memberi tahu warga setiap kali petugas membuka sesi bantuan untuknya: siapa, di mana, kapan, dan cara melaporkan penyalahgunaan.
assist-opened-sms = OpenDVC: petugas { $staff } ({ $organisation }) membuka sesi bantuan atas nama Anda di { $venue } pada { $time }. Bukan Anda? Hubungi layanan { $hotline }.
status-awaiting-payment = Menunggu pembayaran
status-received = Diterima
status-processing = Sedang diproses
status-supplement-requested = Perlu dilengkapi
status-completed = Hasil siap
status-handed-over = Hasil telah diserahkan
status-rejected = Ditolak
status-withdrawn = Ditarik
delivery-preparing = Sedang disiapkan untuk pos
delivery-dispatched = Diserahkan ke layanan pos
delivery-delivered = Telah diantar
delivery-returned-to-sender = Dikembalikan ke pengirim
inbox-status-title = Permohonan { $code }: { $status }
inbox-status-body = Permohonan “{ $procedure }” Anda kini berstatus “{ $status }”.
inbox-status-note = Catatan: { $note }
inbox-delivery-title = Pengiriman permohonan { $code }: { $state }
inbox-delivery-body = Hasil “{ $procedure }”: { $state }.
inbox-delivery-tracking = Nomor resi: { $tracking }
inbox-delivery-changed-title = Pengiriman permohonan { $code } diubah
inbox-delivery-changed-body = “{ $procedure }”: pilihan pengiriman baru Anda telah dicatat. Anda membayar { $payable } VND.
notice-received-email-subject = Permohonan { $code }: diterima
notice-received-email = OpenDVC: permohonan { $code } (“{ $procedure }”) telah diterima; hasil dijadwalkan { $due }. Status: { $link }
notice-email-subject = Permohonan { $code }: { $status }
notice-email = OpenDVC: permohonan { $code } (“{ $procedure }”) kini berstatus “{ $status }”.
notice-supplement-sms = OpenDVC: permohonan { $code } perlu dilengkapi: { $note } Lihat { $link }
notice-completed-sms = OpenDVC: hasil permohonan { $code } sudah siap. Lihat { $link }
notice-rejected-sms = OpenDVC: permohonan { $code } ditolak: { $note } Lihat { $link }
notice-dispatched-sms = OpenDVC: hasil permohonan { $code } telah dikirim via pos, nomor resi { $tracking }. Lihat { $link }
notice-delivered-sms = OpenDVC: hasil permohonan { $code } telah diterima. Lihat { $link }
notice-delivery-email-subject = Hasil permohonan { $code }: { $state }
notice-delivery-email = OpenDVC: hasil permohonan { $code } (“{ $procedure }”): { $state }. Status: { $link }

# Pemberitahuan perpanjangan yang ditulis portal sendiri saat masa berlaku dokumen hampir habis (kartu identitas: menurut usia pemegangnya).
inbox-renewal-title = { $kind ->
        [id_card] Kartu identitas warga Anda
        [passport] Paspor Anda
        [driving_licence] SIM Anda
        [temporary_residence] Pendaftaran tinggal sementara Anda
        [health_insurance] Kartu asuransi kesehatan Anda
       *[other] Sebuah dokumen
    } akan segera habis berlaku
inbox-renewal-body = Dokumen nomor { $number } habis berlaku pada { $date }. Anda dapat mengajukan perpanjangan secara daring.
notice-renewal-sms = OpenDVC: { $kind ->
        [id_card] kartu identitas
        [passport] paspor
        [driving_licence] SIM
        [temporary_residence] pendaftaran tempat tinggal sementara
        [health_insurance] kartu asuransi kesehatan
       *[other] dokumen
    } Anda habis berlaku pada { $date }. Perpanjang secara daring di aplikasi OpenDVC.

# Catatan di lini masa saat berkas ditugaskan kepada petugas.
timeline-assigned = Berkas ditugaskan kepada petugas { $officer } ({ $code }).

## Early warning of late applications (the operations centre)

late-warning-at-risk-sms = OpenDVC IOC: permohonan { $code } ({ $procedure }) jatuh tempo { $date }. Mohon diselesaikan tepat waktu.
late-warning-at-risk-subject = Permohonan { $code } segera jatuh tempo ({ $date })
late-warning-overdue-sms = OpenDVC IOC: permohonan { $code } ({ $procedure }) jatuh tempo { $date } dan terlambat. Mohon segera ditangani dan dilaporkan.
late-warning-overdue-subject = Permohonan { $code } terlambat (jatuh tempo { $date })
inbox-late-title = Permohonan { $code } terlambat
inbox-late-body = Permohonan { $code } seharusnya selesai { $date }. Pusat operasi telah memberi tahu { $agency }. Anda dapat menelepon { $phone } atau datang ke { $address } dengan kode permohonan Anda.

## Konsol petugas (/console/) bila portal dibangun tanpa berkasnya.

console-missing-title = Konsol petugas belum dibangun
console-missing-body = Portal ini dibangun tanpa berkas konsol. Jalankan { $command } di folder sumber, lalu bangun ulang portal.

## Masukan warga: pesan kotak masuk saat dijawab.

inbox-feedback-answered-title = Masukan Anda sudah dijawab
inbox-feedback-answered-body = { $agency } menjawab masukan Anda: { $answer }
notice-feedback-answered-sms = OpenDVC: { $agency } menjawab masukan Anda: { $answer }
notice-feedback-answered-email-subject = Masukan Anda sudah dijawab
notice-feedback-answered-email = OpenDVC: { $agency } menjawab masukan Anda (nomor { $reference }):
    “{ $description }”

    Jawaban: { $answer }

## Masukan: peringatan dini untuk petugas (75% waktu, lewat batas).

feedback-warning-at-risk-sms = OpenDVC IOC: masukan { $service } “{ $summary }” harus { $clock ->
    [resolve] diselesaikan
   *[other] dijawab
} sebelum { $time } { $date }. Mohon ditangani tepat waktu.
feedback-warning-at-risk-subject = Masukan { $service } segera jatuh tempo ({ $time } { $date })
feedback-warning-overdue-sms = OpenDVC IOC: masukan { $service } “{ $summary }” melewati batas { $clock ->
    [resolve] penyelesaian
   *[other] jawaban
} ({ $time } { $date }). Mohon segera ditangani.
feedback-warning-overdue-subject = Masukan { $service } terlambat ({ $time } { $date })

## Pembayaran biaya (issue 17)

payment-paid-note = Biaya { $amount } VND telah dibayar.
payment-amount = Jumlah: { $amount } VND
payment-return-title = Pembayaran biaya
payment-return-pending = Pembayaran menunggu konfirmasi bank.
payment-return-paid = Sudah dibayar.
payment-return-failed = Pembayaran tidak berhasil.
payment-return-expired = Pembayaran kedaluwarsa.
payment-return-refunded = Dana telah dikembalikan.
payment-return-not-found = Pembayaran ini tidak ditemukan.
payment-return-back = Kembali ke aplikasi OpenDVC untuk melihat permohonan dan kuitansinya.
payment-return-open-app = Buka aplikasi OpenDVC
sandbox-title = Bank uji coba (demo)
sandbox-explain = Halaman ini berperan sebagai bank dalam demo; tidak ada uang sungguhan yang berpindah.
sandbox-order = Pesanan: { $info }
sandbox-pay = Bayar
sandbox-cancel = Batalkan pembayaran
sandbox-fail = Simulasikan pembayaran gagal
sandbox-bad-signature = Tanda tangan permintaan pembayaran tidak valid.
