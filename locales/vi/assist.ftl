# Chế độ nhân viên trên thiết bị dùng chung: đại lý DVC ở bưu điện và tình nguyện viên ở buổi hỗ trợ cộng đồng.

error-staff-not-signed-in = Chưa có nhân viên nào đăng nhập trên máy này. Hãy đăng nhập tài khoản nhân viên trước.
error-officer-on-device = Cán bộ xử lý hồ sơ trên hệ thống cán bộ, không dùng máy hỗ trợ công dân.
error-event-required = Tình nguyện viên đăng nhập cho một buổi hỗ trợ: hãy nhập tên, địa điểm (mã xã/phường) và ngày.
error-assisted-session-open = Đang có một phiên hỗ trợ. Hãy kết thúc phiên đó trước khi phục vụ người tiếp theo.
error-no-assisted-session = Không có phiên hỗ trợ nào đang mở.
error-queue-key-locked = Mật khẩu không mở được khóa hàng đợi của nhân viên này; các hồ sơ chờ gửi vẫn được giữ nguyên.
error-staff-files = Không đọc hoặc ghi được tệp của chế độ nhân viên trên máy này.
error-assisted-session-expired = Phiên hỗ trợ đã hết hạn. Hãy kết thúc phiên và mở phiên mới với sự đồng ý của công dân.
error-receipt-not-ready = Hồ sơ chưa được gửi đi; biên nhận có mã hồ sơ sẽ có sau khi gửi.
error-print-failed = Không mở được hộp thoại in. Hãy thử lại.
error-receipt-failed = Không tạo được biên nhận.
error-device-locked = Thiết bị đang khóa. Nhân viên mở khóa bằng mật khẩu của mình.
error-staff-password-wrong = Mật khẩu không đúng với nhân viên đang đăng nhập trên thiết bị này.
error-unlock-wait = Đã nhập sai mật khẩu quá nhiều lần. Hãy chờ rồi thử lại (thời gian chờ tăng gấp đôi sau mỗi lần sai), hoặc đăng nhập lại tài khoản nhân viên khi có mạng.
error-event-invalid = Hãy nhập tên sự kiện, đơn vị hành chính cấp xã và ngày diễn ra (năm-tháng-ngày).
error-invalid-day = Ngày không hợp lệ; hãy nhập theo dạng năm-tháng-ngày.
staff-signed-in = Đã đăng nhập: { $name } ({ $code }) tại { $venue }.
staff-signed-out = Nhân viên đã đăng xuất. Hồ sơ chờ gửi được giữ và mã hóa trên máy này.
staff-none = Chưa có nhân viên nào đăng nhập.
staff-session = Đang phục vụ { $initials }, còn { $minutes } phút.
assist-opened = Đã mở phiên hỗ trợ cho { $initials } đến { $until }.
assist-code-sent = Đã gửi mã đồng ý đến điện thoại của công dân. Nhập mã:
assist-ended = Đã kết thúc phiên và xóa dữ liệu của công dân khỏi máy này. Còn { $count } hồ sơ chờ gửi (đã mã hóa).
tally-summary = Ngày { $day }: đã hỗ trợ { $people } người, { $submissions } hồ sơ ({ $sent } đã gửi, { $waiting } đang chờ, { $attention } cần xử lý).
tally-service = { $service }: { $sent } đã gửi, { $waiting } đang chờ, { $attention } cần xử lý
tally-csv-written = Đã ghi bảng tổng hợp vào { $path }.
