# Tanda terima untuk warga yang dibantu di loket kantor pos atau acara layanan keliling.

receipt-title = Tanda terima permohonan
receipt-code = Kode permohonan
receipt-procedure = Prosedur
receipt-submitted = Tanggal pengajuan
receipt-due = Hasil selesai pada
receipt-delivery = Pengambilan hasil
receipt-delivery-counter = Ambil di loket layanan satu pintu
receipt-delivery-post = Dikirim pos ke rumah (biaya { $fee }, ditanggung kota { $subsidy }, Anda bayar { $payable })
receipt-address = Alamat pengiriman
receipt-fee = Biaya
receipt-fee-free = Gratis
receipt-follow = Cara memantau
receipt-follow-text = Cari kode permohonan { $code } di aplikasi OpenDVC, pindai kode QR, atau sebutkan kode ini di loket satu pintu atau kantor pos mana pun.
receipt-served-by = Dibantu oleh { $staff } di { $venue }
receipt-qr-caption = Pindai untuk melihat status permohonan
