# Bảng điều khiển của cán bộ (/console/), do cổng tham chiếu phục vụ. Tiếng Việt là ngôn ngữ chính.
console-title = OpenDVC · Cán bộ
console-skip-to-content = Bỏ qua đến nội dung
console-nav-label = Điều hướng chính
console-nav-queue = Hồ sơ cần xử lý
console-nav-overview = Tổng quan
console-nav-counter = Nhận hồ sơ tại quầy
console-language = Ngôn ngữ
console-language-vi = Tiếng Việt
console-language-en = English
console-language-id = Indonesia
console-signed-in-as = { $name } · { $organisation }
console-sign-out = Đăng xuất
console-loading = Đang tải…
console-none = Chưa có
console-not-found = Không có trang này.
console-days = { $days } ngày làm việc
console-cancel = Hủy

## Đăng nhập

console-signin-title = Đăng nhập cho cán bộ
console-signin-intro = Dùng mã cán bộ và mật khẩu do cơ quan cấp.
console-signin-code = Mã cán bộ
console-signin-password = Mật khẩu
console-signin-submit = Đăng nhập
console-signin-not-officer = Tài khoản này không phải của cán bộ hay người giám sát. Nhân viên bưu điện và tình nguyện viên dùng ứng dụng OpenDVC.

## Lỗi

console-error-network = Không kết nối được với cổng. Hãy kiểm tra mạng rồi thử lại.
console-error-unexpected = Cổng trả lời không như mong đợi. Hãy thử lại; nếu vẫn lỗi, báo cho bộ phận kỹ thuật.
console-error-signed-out = Phiên đăng nhập đã hết. Hãy đăng xuất rồi đăng nhập lại.

## Hàng đợi hồ sơ

console-queue-title = Hồ sơ cần xử lý
console-queue-filters = Lọc hồ sơ
console-queue-caption = Hồ sơ của cơ quan, hạn xử lý sớm nhất trước
console-queue-total = Đang hiện { $shown } trên tổng số { $total } hồ sơ
console-queue-empty = Không có hồ sơ nào khớp bộ lọc.
console-queue-more = Xem thêm
console-filter-status = Trạng thái
console-filter-procedure = Thủ tục
console-filter-unit = Xã, phường, đặc khu
console-filter-due-before = Hạn xử lý đến ngày
console-filter-text = Tìm theo mã hoặc tên
console-filter-text-hint = Mã hồ sơ hoặc tên người nộp
console-filter-any = Tất cả
console-filter-apply = Lọc
console-filter-clear = Bỏ lọc
console-column-code = Mã hồ sơ
console-column-procedure = Thủ tục
console-column-applicant = Người nộp
console-column-unit = Xã, phường
console-column-due = Hạn xử lý
console-column-urgency = Mức khẩn
console-column-status = Trạng thái
console-column-assigned = Cán bộ phụ trách
console-due-today = Hạn hôm nay
console-days-left = Còn { $days } ngày làm việc
console-days-late = Trễ { $days } ngày làm việc
console-urgency-on-track = Đúng hạn
console-urgency-at-risk = Sắp trễ hạn
console-urgency-overdue = Quá hạn
console-urgency-finished = Đã xong
console-urgency-unknown = Không rõ

## Trạng thái và kênh

console-status-awaiting-payment = Chờ thanh toán
console-status-received = Mới tiếp nhận
console-status-processing = Đang xử lý
console-status-supplement-requested = Chờ bổ sung
console-status-completed = Đã có kết quả
console-status-handed-over = Đã trả kết quả
console-status-rejected = Từ chối
console-status-withdrawn = Đã rút
console-status-unknown = Trạng thái khác
console-channel = Kênh nộp
console-channel-online = Trực tuyến
console-channel-assisted = Qua nhân viên hỗ trợ
console-channel-counter = Tại quầy
console-channel-unknown = Kênh khác

## Trang hồ sơ

console-back-to-queue = ← Về danh sách hồ sơ
console-application-title = Hồ sơ
console-application-heading = Hồ sơ { $code }
console-submitted-at = Ngày nộp
console-unassigned = Chưa phân công
console-actions = Xử lý
console-no-actions = Không có thao tác nào cho hồ sơ ở trạng thái này.
console-action-accept = Tiếp nhận xử lý
console-action-supplement = Yêu cầu bổ sung
console-action-complete = Đã có kết quả
console-action-reject = Từ chối
console-action-dispatch = Gửi qua bưu điện
console-action-deliver = Đã giao kết quả
console-action-hand-over = Đã trả kết quả tại quầy
console-action-done = Đã ghi nhận: { $action }.
console-supplement-note = Người nộp cần bổ sung gì (bắt buộc)
console-reject-reason = Lý do từ chối (bắt buộc)
console-tracking-number = Mã vận đơn
console-assign-to = Phân công cho
console-assign-choose = Chọn cán bộ
console-assign = Phân công
console-assign-done = Đã phân công hồ sơ.
console-warnings = Cảnh báo trễ hạn đã gửi
console-form-data = Thông tin trong tờ khai
console-attachments = Giấy tờ đính kèm
console-no-attachments = Không có giấy tờ đính kèm.
console-attachment-file = Tệp đính kèm
console-attachment-wallet = Giấy tờ trong kho dữ liệu
console-attachment-view = Xem
console-attachment-download = Tải về
console-delivery = Nhận kết quả
console-delivery-counter = Tại bộ phận một cửa
console-delivery-post = Qua bưu điện
console-delivery-state-preparing = Đang chuẩn bị
console-delivery-state-dispatched = Đã gửi
console-delivery-state-delivered = Đã giao
console-delivery-state-returned = Bị trả lại
console-delivery-state-unknown = Không rõ
console-timeline = Quá trình xử lý

## Nhận hồ sơ tại quầy

console-counter-title = Nhận hồ sơ tại quầy
console-counter-intro = Nhập hồ sơ giấy người dân nộp tại quầy của cơ quan. Người nộp nhận tin nhắn có mã hồ sơ.
console-counter-applicant = Người nộp
console-counter-id-number = Số định danh cá nhân (12 số)
console-counter-name = Họ và tên
console-counter-phone = Số điện thoại
console-counter-unit-none = Không chọn
console-counter-procedure = Thủ tục và tờ khai
console-counter-choose-procedure = Chọn thủ tục
console-counter-choose = Chọn
console-counter-street = Số nhà, đường
console-counter-submit = Ghi nhận hồ sơ
console-counter-created = Đã ghi nhận hồ sơ { $code }.
console-counter-open = Mở hồ sơ

## Tổng quan

console-overview-title = Tổng quan và cảnh báo sớm
console-overview-generated = Số liệu lúc { $at }
console-overview-due-today = Đến hạn hôm nay
console-overview-due-within-one = Đến hạn trong 1 ngày làm việc
console-overview-overdue = Quá hạn
console-overview-on-time = Đúng hạn (30 ngày)
console-overview-median-online = Thời gian xử lý (trực tuyến)
console-overview-median-counter = Thời gian xử lý (tại quầy)
console-overview-same-day = Xong trong ngày
console-overview-post = Trả kết quả qua bưu điện
console-overview-rating = Đánh giá của người dân
console-overview-rating-value = { $average }/5 ({ $count } lượt)
console-overview-due-histogram = Hồ sơ chưa xong theo ngày đến hạn (10 ngày làm việc tới)
console-overview-on-time-chart = Tỷ lệ đúng hạn trong 30 ngày, theo cơ quan
console-forecast-title = Dự báo số hồ sơ mới (10 ngày làm việc tới)
console-forecast-method = Mô hình: { $method }.
console-forecast-error = Sai số trung bình trên { $days } ngày làm việc gần nhất (giữ lại để kiểm tra): { $model } hồ sơ/ngày; cách chép tuần trước: { $naive }.
console-forecast-no-error = Lịch sử chưa đủ dài để đo sai số.
console-forecast-date = Ngày
console-forecast-expected = Dự kiến
console-forecast-range = Khoảng 80%

## Phản ánh, kiến nghị

console-nav-feedback = Phản ánh
console-feedback-queue-title = Phản ánh, kiến nghị cần trả lời
console-feedback-queue-intro = Sắp theo thời gian còn lại: phải trả lời trong 4 giờ (kể cả đêm và ngày nghỉ), giải quyết trong 3 ngày làm việc.
console-feedback-filters = Lọc phản ánh
console-feedback-filter-scope = Phạm vi
console-feedback-filter-open = Chưa xong
console-feedback-filter-all = Tất cả, kể cả đã đóng
console-feedback-filter-category = Lĩnh vực
console-feedback-caption = Phản ánh của cơ quan, ít thời gian còn lại nhất trước
console-feedback-total = Đang hiện { $shown } trên tổng số { $total } phản ánh
console-feedback-empty = Không có phản ánh nào khớp bộ lọc.
console-feedback-column-time-left = Thời gian còn lại
console-feedback-column-category = Lĩnh vực
console-feedback-column-summary = Nội dung
console-feedback-column-received = Tiếp nhận lúc
console-feedback-photo-count = { $count } ảnh
console-time-left-minutes = Còn { $minutes } phút
console-time-left-hours = Còn { $hours } giờ { $minutes } phút
console-time-left-days = Còn { $days } ngày { $hours } giờ
console-time-late-minutes = Trễ { $minutes } phút
console-time-late-hours = Trễ { $hours } giờ { $minutes } phút
console-time-late-days = Trễ { $days } ngày { $hours } giờ
console-time-stopped = Đã đóng
console-clock-answer = Hạn trả lời
console-clock-resolve = Hạn giải quyết
console-clock-stopped = Không còn tính giờ
console-clock-unknown = Hạn khác
console-feedback-status-received = Mới tiếp nhận
console-feedback-status-assigned = Đã giao cán bộ
console-feedback-status-answered = Đã trả lời, đang giải quyết
console-feedback-status-closed = Đã đóng
console-feedback-status-reopened = Người dân mở lại
console-feedback-status-unknown = Trạng thái khác
console-feedback-channel-app = Ứng dụng OpenDVC
console-feedback-channel-open311 = Ứng dụng khác (Open311)
console-feedback-channel-unknown = Kênh khác
console-feedback-event-received = Tiếp nhận
console-feedback-event-assigned = Giao xử lý
console-feedback-event-handed-off = Chuyển cơ quan khác
console-feedback-event-answered = Trả lời
console-feedback-event-closed = Đóng
console-feedback-event-reopened = Người dân mở lại
console-feedback-event-rated = Người dân đánh giá
console-feedback-event-unknown = Việc khác
console-feedback-event-agency = đến { $agency }

## Trang phản ánh

console-back-to-feedback = ← Về danh sách phản ánh
console-feedback-title = Phản ánh
console-feedback-heading = Phản ánh: { $category }
console-feedback-due-at = Hạn trả lời
console-feedback-answered-at = đã trả lời lúc { $at }
console-feedback-resolve-by = Hạn giải quyết
console-feedback-closed-at = đã đóng lúc { $at }
console-feedback-agency = Cơ quan xử lý
console-feedback-received-via = Tiếp nhận qua
console-feedback-reporter = Người phản ánh
console-feedback-reporter-unknown = Không để lại thông tin
console-feedback-rating = Đánh giá
console-feedback-rating-value = { $stars }/5
console-feedback-description = Nội dung phản ánh
console-feedback-place = Địa điểm
console-feedback-no-place = Người dân không cho biết địa điểm.
console-feedback-address = Địa chỉ
console-feedback-point = Tọa độ (vĩ độ, kinh độ)
console-feedback-map = Xem trên bản đồ
console-feedback-photos = Ảnh người dân gửi
console-feedback-no-photos = Không có ảnh.
console-feedback-photo-alt = Ảnh { $index } trên { $count } người dân gửi (bấm để xem cỡ lớn)
console-feedback-answer-photo-alt = Ảnh kèm câu trả lời (bấm để xem cỡ lớn)
console-feedback-no-actions = Không có thao tác nào cho phản ánh ở trạng thái này.
console-feedback-take = Nhận xử lý phản ánh này
console-feedback-assign-done = Đã giao phản ánh.
console-feedback-assign-agency = Giao cho cơ quan
console-feedback-reassign = Giao lại
console-answer-title = Trả lời người dân
console-answer-go = Viết câu trả lời ↓
console-answer-text = Câu trả lời (bắt buộc)
console-answer-text-hint = Nói rõ việc sẽ làm hoặc đã làm và ai phụ trách. Người dân đọc nguyên văn.
console-answer-text-required = Hãy viết câu trả lời.
console-answer-text-too-long = Câu trả lời dài quá { $max } ký tự.
console-answer-photo = Ảnh kèm theo (không bắt buộc)
console-answer-photo-type = Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC.
console-answer-photo-too-large = Ảnh lớn quá 20 MB.
console-answer-resolved = Đã giải quyết xong (đóng phản ánh)
console-answer-send = Gửi câu trả lời
console-answer-done = Đã gửi câu trả lời cho người dân.
console-answer-done-closed = Đã gửi câu trả lời và đóng phản ánh.
console-hand-off-title = Chuyển cho cơ quan khác
console-hand-off-hint = Thời hạn vẫn tính tiếp; việc chuyển hiện trong quá trình xử lý người dân xem được.
console-hand-off-agency = Cơ quan nhận
console-hand-off-choose = Chọn cơ quan
console-hand-off-agency-required = Hãy chọn cơ quan nhận.
console-hand-off-note = Lý do chuyển (bắt buộc)
console-hand-off-note-required = Hãy ghi lý do chuyển.
console-hand-off-send = Chuyển phản ánh
console-hand-off-done = Đã chuyển phản ánh cho { $agency }.

## An application's payments (biên lai, thu tiền mặt, hoàn tiền)

console-payments = Thanh toán lệ phí
console-payment-due = Số tiền phải trả:
console-payment-amount = { $amount } đ
console-no-payments = Chưa có khoản thanh toán nào.
console-payment-method-vnpay = VNPay (trực tuyến)
console-payment-method-counter = Tại quầy
console-payment-method-cod = Bưu tá thu khi giao
console-payment-status-pending = Đang chờ
console-payment-status-paid = Đã thanh toán
console-payment-status-failed = Không thành công
console-payment-status-expired = Hết hạn
console-payment-status-refunded = Đã hoàn tiền
console-payment-receipt = Biên lai { $number }
console-payment-record = Ghi nhận tiền đã thu
console-payment-record-counter = Thu tại quầy
console-payment-record-cod = Bưu tá đã thu khi giao kết quả
console-payment-record-button = Ghi nhận đã thu { $amount }
console-payment-recorded = Đã ghi nhận khoản thu { $amount }; biên lai điện tử đã được cấp.
console-payment-refund = Hoàn tiền
console-payment-refund-confirm = Xác nhận hoàn { $amount }
console-payment-refunded = Đã hoàn tiền cho người dân.
