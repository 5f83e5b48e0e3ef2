# Điều gì sai ở một ô nhập: mỗi mã lỗi của bộ quy tắc dùng chung (crates/rules) là một thông điệp ở đây.
# Ứng dụng, dòng lệnh và cổng dịch vụ công cùng dùng các mã này; $label là tên ô nhập.

field-required = Nhập { $label }
field-too-long = { $label } quá dài
field-not-in-form = { $label } không phải là ô nhập của thủ tục này
field-id-number-invalid = { $label } phải gồm 12 chữ số
field-phone-invalid = { $label } phải là số điện thoại Việt Nam: số di động 10 chữ số như 0905 123 456, hoặc số cố định 11 chữ số như 0236 3821 234
field-email-invalid = { $label } phải là địa chỉ thư điện tử, ví dụ ten@example.vn
field-date-invalid = { $label } phải là một ngày có thật, viết NNNN-TT-NN, ví dụ 2026-03-27
field-date-in-future = { $label } không được là một ngày trong tương lai
field-date-not-after-start = { $label } phải sau ngày bắt đầu
field-number-invalid = { $label } phải là số nguyên
field-option-invalid = Chọn { $label }
field-not-offered = Thủ tục này không có lựa chọn { $label }
field-unit-invalid = { $label } không phải là phường, xã hay đặc khu của tỉnh, thành phố đã chọn
field-document-kind-invalid = { $label } không phải là loại giấy tờ
field-classes-invalid = { $label } không phải là hạng giấy phép lái xe
field-requirement-unknown = Thủ tục này không yêu cầu giấy tờ { $label }
field-attachment-not-yours = Tệp { $label } không phải do bạn tải lên
field-document-not-yours = Giấy tờ { $label } không có trong ví giấy tờ của bạn
field-fee-case-needed = Chọn trường hợp tính lệ phí: { $label }
field-read-only = { $label } chỉ thay đổi được trên ứng dụng VNeID hoặc tại công an cấp xã nơi bạn cư trú
field-code-invalid = Mã xác nhận cho { $label } không đúng hoặc đã hết hạn: xin mã mới
field-invalid = { $label } chưa hợp lệ
