# Biên nhận cho công dân được hỗ trợ tại quầy bưu điện hoặc buổi hỗ trợ cộng đồng.

receipt-title = Biên nhận hồ sơ
receipt-code = Mã hồ sơ
receipt-procedure = Thủ tục
receipt-submitted = Ngày nộp
receipt-due = Ngày hẹn trả kết quả
receipt-delivery = Nhận kết quả
receipt-delivery-counter = Nhận tại bộ phận một cửa
receipt-delivery-post = Bưu điện gửi đến tận nhà (phí { $fee }, thành phố hỗ trợ { $subsidy }, công dân trả { $payable })
receipt-address = Địa chỉ nhận kết quả
receipt-fee = Lệ phí
receipt-fee-free = Miễn phí
receipt-follow = Cách theo dõi
receipt-follow-text = Tra cứu bằng mã hồ sơ { $code } trong ứng dụng OpenDVC, hoặc quét mã QR, hoặc đọc mã này tại bất kỳ quầy một cửa hay bưu điện nào.
receipt-served-by = Hỗ trợ bởi { $staff } tại { $venue }
receipt-qr-caption = Quét để xem tình trạng hồ sơ
