# Giao diện web OpenDVC — tiếng Việt (ngôn ngữ gốc). Mỗi thông điệp ở đây phải có trong
# en/ui.ftl và id/ui.ftl (kiểm tra bằng ui/scripts/check-locales.mjs).

## Chung

ui-loading = Đang tải…
ui-try-again = Thử lại
ui-error-title = Đã có lỗi xảy ra
ui-back = Quay lại
ui-back-home = Về trang chủ
ui-cancel = Hủy
ui-save = Lưu
ui-save-continue = Lưu và tiếp tục
ui-send = Gửi
ui-change = Sửa
ui-optional = không bắt buộc
ui-skip-to-content = Chuyển đến nội dung chính
ui-not-found-title = Không tìm thấy trang
ui-online = Có mạng
ui-offline = Mất mạng
ui-offline-banner = Bạn đang không có mạng. Bạn đang xem dữ liệu đã lưu trên máy này. Những gì bạn gửi bây giờ sẽ được giữ lại và tự gửi khi có mạng.
ui-synced-at = Cập nhật lần cuối { $time }
ui-waiting-to-send = Đang chờ gửi
ui-overdue = Quá hạn
ui-working-days = { $days } ngày làm việc

## Điều hướng

ui-nav-main = Menu chính
ui-nav-more = Thêm
ui-nav-home = Trang chủ
ui-nav-applications = Hồ sơ
ui-nav-services = Dịch vụ
ui-nav-documents = Giấy tờ
ui-nav-inbox = Hộp thư
ui-nav-queue = Chờ gửi
ui-nav-settings = Cài đặt

## Lỗi

ui-error-summary-title = Có vấn đề cần sửa

## Đăng nhập

ui-signin-title = Đăng nhập
ui-signin-intro = Đăng nhập bằng số định danh cá nhân. Chúng tôi gửi mã dùng một lần đến số điện thoại đã đăng ký với số này.
ui-signin-id-label = Số định danh cá nhân
ui-signin-id-hint = 12 chữ số trên thẻ căn cước của bạn
ui-signin-id-invalid = Nhập số định danh cá nhân gồm 12 chữ số
ui-signin-send-code = Gửi mã cho tôi
ui-signin-code-sent = Chúng tôi đã gửi mã 6 chữ số qua tin nhắn đến số điện thoại đã đăng ký của bạn.
ui-signin-otp-label = Mã trong tin nhắn
ui-signin-otp-hint = 6 chữ số
ui-signin-otp-invalid = Nhập mã 6 chữ số trong tin nhắn
ui-signin-submit = Đăng nhập
ui-signin-resend = Gửi lại mã mới
ui-signin-code-resent = Đã gửi mã mới. Hãy dùng mã mới nhất.
ui-signin-change-id = Dùng số khác

## Trang chủ

ui-home-greeting = Xin chào, { $name }
ui-home-all-clear-title = Hiện không có việc gì cần bạn làm
ui-home-all-clear = Hồ sơ của bạn đang được xử lý và giấy tờ của bạn đều còn hạn.
ui-home-needs-action = Cần bạn xử lý
ui-home-supplement-needed = Cơ quan yêu cầu bổ sung giấy tờ hoặc thông tin.
ui-home-overdue = Lẽ ra phải xong trước ngày { $date }.
ui-home-waiting = { $count } mục đang chờ gửi
ui-home-queue-attention = { $count } mục bạn gửi cần bạn xem lại
ui-home-queue-attention-link = Xem cần sửa gì
ui-home-see-queue = Xem các mục đang chờ gửi
ui-home-renewals = Giấy tờ sắp cần gia hạn
ui-home-see-documents = Xem giấy tờ của tôi
ui-home-shortcuts = Bạn muốn làm gì?
ui-home-new-application = Nộp hồ sơ mới
ui-home-my-applications = Hồ sơ của tôi ({ $count })
ui-home-inbox = Hộp thư ({ $count } mới)

## Hồ sơ

ui-applications-title = Hồ sơ của tôi
ui-applications-empty = Bạn chưa có hồ sơ nào.
ui-application-code = Mã hồ sơ: { $code }
ui-application-submitted = Nộp ngày { $date }
ui-application-code-label = Mã hồ sơ
ui-application-submitted-label = Ngày nộp
ui-application-due-label = Hẹn trả kết quả
ui-application-processing-days = ({ $days } ngày làm việc)
ui-application-days-left = { $days ->
    [0] hạn là hôm nay
   *[other] còn { $days } ngày làm việc
}
ui-application-fee-label = Lệ phí
ui-application-delivery-label = Nhận kết quả
ui-application-assisted-label = Nộp hộ tại
ui-application-overdue-warning = Hồ sơ này đã quá hạn: lẽ ra phải xong trước ngày { $date }. Bạn có thể hỏi tại bộ phận một cửa và đọc mã hồ sơ.
ui-application-overdue-warned = Hồ sơ này đã quá hạn: lẽ ra phải xong trước ngày { $date }. { $agency } đã được báo lúc { $warnedAt }. Bạn có thể gọi cho cơ quan và đọc mã hồ sơ.
ui-application-overdue-phone = Điện thoại
ui-application-overdue-address = Địa chỉ
ui-application-supplement-title = Cơ quan cần bạn bổ sung
ui-application-supplement-body = Đọc ghi chú trong quá trình xử lý bên dưới, rồi gửi những gì được yêu cầu.
ui-application-timeline = Quá trình xử lý
ui-application-actions = Bạn có thể làm gì
ui-action-supplement = Gửi bổ sung
ui-action-change-delivery = Đổi cách nhận kết quả
ui-action-rate = Đánh giá dịch vụ
ui-action-withdraw = Rút hồ sơ
ui-supplement-note = Bạn gửi bổ sung gì?
ui-supplement-files = Tệp gửi kèm (không bắt buộc)
ui-supplement-files-hint = Ảnh hoặc tệp PDF, mỗi tệp nhỏ hơn 20 MB
ui-supplement-note-missing = Ghi rõ bạn gửi bổ sung gì, hoặc thêm tệp
ui-withdraw-reason = Vì sao bạn rút hồ sơ? (không bắt buộc)
ui-withdraw-confirm = Rút hồ sơ này? Việc này không thể hoàn tác.
ui-rating-question = Bạn thấy dịch vụ thế nào?
ui-rating-stars = { $stars } sao
ui-rating-comment = Bạn muốn góp ý thêm? (không bắt buộc)
ui-rating-missing = Chọn từ 1 đến 5 sao
ui-rating-given = Bạn đã đánh giá { $stars } trên 5 sao.
ui-followup-sent = Đã gửi.
ui-followup-saved = Đã lưu trên máy này. Sẽ tự gửi khi có mạng.

## Trạng thái

ui-status-awaiting-payment = Chờ thanh toán
ui-status-received = Mới tiếp nhận
ui-status-processing = Đang xử lý
ui-status-supplement-requested = Chờ bổ sung
ui-status-completed = Đã có kết quả
ui-status-handed-over = Đã trả kết quả
ui-status-rejected = Từ chối
ui-status-withdrawn = Đã rút
ui-status-unknown = Chưa rõ trạng thái

## Nhận kết quả

ui-delivery-question = Bạn muốn nhận kết quả thế nào?
ui-delivery-counter = Nhận tại bộ phận một cửa
ui-delivery-post = Nhận qua bưu điện tại nhà
ui-delivery-post-hint = Bưu điện mang đến tận nhà. Bạn trả tiền khi nhận.
ui-delivery-post-available = Trả kết quả qua bưu điện
ui-delivery-payable = Bạn trả { $amount } khi nhận
ui-delivery-tracking = Mã vận đơn: { $number }
ui-delivery-name = Tên người nhận
ui-delivery-phone = Số điện thoại để bưu tá liên hệ
ui-delivery-phone-hint = Ví dụ 0905 123 456
ui-delivery-method-missing = Chọn cách nhận kết quả
ui-delivery-name-missing = Nhập tên người nhận
ui-delivery-phone-invalid = Nhập số điện thoại, ví dụ 0905 123 456
ui-delivery-state-preparing = Đang chuẩn bị
ui-delivery-state-dispatched = Đang giao
ui-delivery-state-delivered = Đã giao
ui-delivery-state-returned = Đã trả lại cơ quan
ui-delivery-state-unknown = Chưa rõ tình trạng giao

## Địa chỉ

ui-address-province = Tỉnh hoặc thành phố
ui-address-choose = Chọn…
ui-address-unit-search = Tìm phường, xã của bạn
ui-address-unit-hint = Bạn có thể gõ cả tên cũ, ví dụ tên phường hoặc quận cũ.
ui-address-unit = Phường, xã hoặc đặc khu
ui-address-no-unit = Không có phường, xã nào có tên này. Hãy kiểm tra chính tả.
ui-address-formerly = trước đây là { $name }
ui-address-street = Số nhà và tên đường
ui-address-street-hint = Ví dụ 12 Lê Lợi, hoặc thôn, tổ
ui-address-province-missing = Chọn tỉnh hoặc thành phố
ui-address-unit-missing = Chọn phường, xã hoặc đặc khu
ui-address-street-missing = Nhập số nhà và tên đường

## Dịch vụ

ui-services-title = Dịch vụ công
ui-services-search = Tìm dịch vụ
ui-services-search-hint = Ví dụ: cấp đổi căn cước, hộ chiếu, khai sinh (gõ không dấu cũng được)
ui-services-results = Tìm thấy { $count } dịch vụ
ui-services-count = { $count } dịch vụ
ui-services-no-results = Không có dịch vụ phù hợp. Hãy thử từ khác.
ui-services-empty = Danh sách dịch vụ chưa có trên máy này. Hãy kết nối mạng rồi thử lại.
ui-sector-identity = Căn cước, hộ chiếu
ui-sector-civil-status = Hộ tịch
ui-sector-residence = Cư trú
ui-sector-transport = Giao thông, phương tiện
ui-sector-health = Y tế
ui-sector-social = Lao động, bảo hiểm, an sinh
ui-sector-education = Giáo dục
ui-sector-land = Đất đai, nhà ở
ui-sector-construction = Xây dựng
ui-sector-business = Kinh doanh
ui-sector-justice = Tư pháp, chứng thực
ui-sector-other = Dịch vụ khác
ui-online-full = Trực tuyến toàn trình
ui-online-partial = Trực tuyến một phần
ui-procedure-code = Mã thủ tục { $code }
ui-procedure-time-online = Thời gian nếu nộp trực tuyến
ui-procedure-time-in-person = Thời gian nếu nộp tại quầy
ui-procedure-online-level = Mức trực tuyến
ui-procedure-fees = Lệ phí
ui-procedure-free = Miễn phí.
ui-fee-online = { $amount } khi nộp trực tuyến
ui-fee-counter = { $amount } khi nộp tại quầy
ui-fee-illustrative = giá trị minh họa
ui-fee-total = Tổng cộng
ui-fee-choose-case = Chọn trường hợp tính lệ phí của bạn
ui-fee-not-quoted = Chưa tính được lệ phí: hãy trả lời đủ các câu hỏi và chọn cách nhận kết quả.
ui-fee-one-case-applies = Chỉ một trong các mức lệ phí sau áp dụng cho hồ sơ của bạn.
ui-fee-add-on = Cộng thêm: { $label }
ui-fee-exemptions = Miễn, giảm lệ phí
ui-delivery-subsidy-share = thành phố trả { $percent }%
ui-procedure-documents = Giấy tờ cần có
ui-procedure-no-documents = Không cần giấy tờ.
ui-procedure-from-wallet = đã có trong giấy tờ của bạn
ui-procedure-delivery = Cách nhận kết quả
ui-procedure-start = Nộp hồ sơ trực tuyến

## Nộp hồ sơ

ui-apply-title = Hồ sơ của bạn
ui-apply-task-details = Thông tin của bạn
ui-apply-task-documents = Giấy tờ
ui-apply-task-delivery = Cách nhận kết quả
ui-apply-task-check = Kiểm tra và gửi
ui-task-completed = Đã xong
ui-task-not-started = Chưa làm
ui-task-cannot-start = Chưa thể làm
ui-apply-prefilled = Chúng tôi đã điền sẵn những gì đã biết về bạn. Hãy kiểm tra và sửa nếu có gì sai.
ui-apply-from-wallet = Dùng { $name } số { $number } trong giấy tờ của tôi
ui-apply-choose-file = Hoặc chọn ảnh hay tệp PDF
ui-apply-file-chosen = Đã chọn tệp: { $name }
ui-apply-file-attached = Đã đính kèm tệp
ui-apply-document-missing = Thêm { $name }
ui-apply-not-provided = Chưa cung cấp
ui-field-invalid = { $label } chưa hợp lệ
ui-field-date-hint = Ví dụ 2026-03-27
ui-check-title = Kiểm tra thông tin trước khi gửi
ui-check-declaration-title = Gửi hồ sơ
ui-check-declaration = Khi gửi hồ sơ này, bạn xác nhận rằng những thông tin bạn cung cấp là đúng sự thật theo hiểu biết của bạn.
ui-check-submit = Đồng ý và gửi
ui-done-sent-title = Đã gửi hồ sơ
ui-done-code = Mã hồ sơ của bạn
ui-done-sent-body = Chúng tôi sẽ báo cho bạn khi trạng thái hồ sơ thay đổi. Bạn có thể theo dõi trong mục Hồ sơ của tôi.
ui-done-see-application = Xem hồ sơ
ui-done-saved-title = Đã lưu trên máy này
ui-done-saved-body = Bạn đang không có mạng nên hồ sơ được lưu trên máy này. Hồ sơ sẽ tự được gửi khi có mạng. Bạn không cần gửi lại.

## Giấy tờ

ui-documents-title = Giấy tờ của tôi
ui-documents-empty = Chưa có giấy tờ nào ở đây.
ui-documents-number = Số
ui-documents-issued = Ngày cấp
ui-documents-valid-until = Có giá trị đến
ui-documents-expires = { $date } ({ $days ->
    [0] hết hạn hôm nay
   *[other] còn { $days } ngày
})
ui-documents-expired-on = Đã hết hạn ngày { $date }
ui-documents-next-reminder = Lần nhắc tiếp theo
ui-documents-reminders = Nhắc gia hạn
ui-documents-renew = Gia hạn ngay
ui-documents-add = Thêm giấy tờ
ui-documents-added = Đã thêm giấy tờ.
ui-documents-export = Thêm lịch nhắc vào lịch của tôi
ui-documents-download-calendar = Tải tệp lịch
ui-documents-kind = Loại giấy tờ
ui-documents-expires-on = Ngày hết hạn
ui-documents-issuer = Nơi cấp
ui-documents-kind-missing = Chọn loại giấy tờ
ui-documents-number-missing = Nhập số giấy tờ
ui-documents-issued-missing = Nhập ngày cấp
ui-documents-issued-invalid = Ngày cấp không được sau hôm nay
ui-documents-expires-invalid = Ngày hết hạn phải là ngày có thật, sau ngày cấp
ui-documents-issuer-missing = Nhập nơi cấp
ui-doc-kind-id-card = Thẻ căn cước
ui-doc-kind-passport = Hộ chiếu
ui-doc-kind-driving-licence = Giấy phép lái xe
ui-doc-kind-temporary-residence = Đăng ký tạm trú
ui-doc-kind-health-insurance = Thẻ bảo hiểm y tế
ui-doc-kind-vehicle-inspection = Giấy chứng nhận kiểm định xe
ui-doc-kind-vehicle-registration = Giấy đăng ký xe
ui-doc-kind-birth-certificate = Giấy khai sinh
ui-doc-kind-marriage-certificate = Giấy chứng nhận kết hôn
ui-doc-kind-land-certificate = Giấy chứng nhận quyền sử dụng đất
ui-doc-kind-construction-permit = Giấy phép xây dựng
ui-doc-kind-household-business = Giấy đăng ký hộ kinh doanh
ui-doc-kind-health-certificate = Giấy khám sức khỏe
ui-doc-kind-social-insurance = Sổ bảo hiểm xã hội
ui-standing-valid = Còn hạn
ui-standing-renew-soon = Sắp cần gia hạn
ui-standing-expired = Đã hết hạn
ui-standing-no-expiry = Không thời hạn
ui-standing-unknown = Chưa rõ thời hạn
ui-reminder-on = Bật
ui-reminder-off = Tắt
ui-reminder-snoozed-until = Tạm dừng đến { $date }
ui-reminder-snooze = Nhắc lại sau 30 ngày
ui-reminder-turn-off = Tắt nhắc
ui-reminder-turn-on = Bật nhắc
ui-reminder-turned-on = Đã bật nhắc gia hạn.
ui-reminder-turned-off = Đã tắt nhắc gia hạn.
ui-reminder-snoozed = Chúng tôi sẽ nhắc lại sau 30 ngày.

## Hộp thư

ui-inbox-title = Hộp thư
ui-inbox-empty = Chưa có tin nhắn nào.
ui-inbox-new = Mới
ui-inbox-open-application = Mở hồ sơ
ui-category-status = Trạng thái hồ sơ
ui-category-delivery = Giao kết quả
ui-category-renewal = Nhắc gia hạn giấy tờ
ui-category-notice = Thông báo của thành phố
ui-category-feedback = Phản ánh, kiến nghị

## Hàng chờ gửi

ui-queue-title = Đang chờ gửi
ui-queue-intro = Những gì bạn gửi được giữ trên máy này cho đến khi hệ thống nhận được. Không mất gì khi mất mạng.
ui-queue-empty = Mọi thứ đã được gửi.
ui-queue-offline = Bạn đang không có mạng. Các mục này sẽ được gửi khi có mạng trở lại.
ui-queue-paused-auth = Việc gửi tạm dừng vì phiên đăng nhập đã hết. Hãy đăng nhập lại để tiếp tục.
ui-queue-state-queued = Đang chờ
ui-queue-state-sending = Đang gửi
ui-queue-state-sent = Đã gửi
ui-queue-state-needs-attention = Cần bạn xem lại
ui-queue-state-paused-auth = Tạm dừng: cần đăng nhập lại
ui-queue-kind-application = Hồ sơ mới
ui-queue-kind-attachment = Tệp
ui-queue-kind-supplement = Bổ sung giấy tờ
ui-queue-kind-delivery-change = Đổi cách nhận kết quả
ui-queue-kind-withdrawal = Rút hồ sơ
ui-queue-kind-rating = Đánh giá
ui-queue-kind-feedback = Phản ánh mới
ui-queue-kind-feedback-rating = Đánh giá phản ánh
ui-queue-kind-feedback-reopen = Mở lại phản ánh
ui-queue-progress = Đã gửi { $sent } trên { $total }
ui-queue-attempts = Đã thử { $count } lần.
ui-queue-next-attempt = Lần thử tiếp theo lúc { $time }.
ui-queue-what-to-fix = Cần sửa gì
ui-queue-retry = Thử gửi lại ngay
ui-queue-retrying = Đang thử gửi lại.
ui-queue-discard = Bỏ
ui-queue-discard-confirm = Bỏ mục này? Mục này sẽ không được gửi và bạn sẽ phải làm lại từ đầu.
ui-queue-discarded = Đã bỏ.
ui-queue-discard-reached-portal = Mục này đã đến cổng dịch vụ công nên không bị bỏ: hồ sơ { $code } đã được tạo. Nếu không cần nữa, hãy rút hồ sơ.
ui-queue-discard-reached-portal-item = Mục này đã đến cổng dịch vụ công nên không bị bỏ: cổng đã nhận.
ui-queue-sync-now = Cập nhật ngay

## Cài đặt

ui-settings-title = Cài đặt
ui-settings-language = Ngôn ngữ
ui-settings-notifications = Thông báo
ui-settings-categories = Báo cho tôi về
ui-settings-quiet = Giờ yên lặng
ui-settings-quiet-hint = Không chuông, không hiện thông báo vào ban đêm. Tin nhắn vẫn về hộp thư.
ui-settings-quiet-from = Từ
ui-settings-quiet-to = Đến
ui-settings-time-invalid = Nhập giờ, ví dụ 22:00
ui-settings-saved = Đã lưu cài đặt.
ui-settings-account = Tài khoản và máy này
ui-settings-signed-in-as = Đang đăng nhập: { $name }
ui-settings-tokens-keyring = Thông tin đăng nhập được lưu trong: kho khóa của hệ thống.
ui-settings-tokens-private-file = Thông tin đăng nhập được lưu trong: một tệp chỉ bạn đọc được (máy này không có kho khóa của hệ thống).
ui-settings-sign-out = Đăng xuất
ui-settings-sign-out-confirm = Đăng xuất? Các mục đang chờ gửi vẫn được giữ trên máy này.
ui-settings-clear = Xóa dữ liệu của tôi khỏi máy này
ui-settings-clear-confirm = Xóa toàn bộ dữ liệu của bạn khỏi máy này? Các mục chưa gửi sẽ bị mất.
ui-settings-clear-hint = Dùng khi bạn dùng chung hoặc mượn máy của người khác.

## Shared devices: DVC agents at post offices, volunteers at outreach events

ui-signin-staff-link = Nhân viên đại lý DVC hoặc tình nguyện viên: đăng nhập tại đây
ui-staff-signin-title = Đăng nhập nhân viên
ui-staff-signin-intro = Dành cho nhân viên đại lý dịch vụ công tại bưu điện và tình nguyện viên tổ công nghệ số cộng đồng. Máy này dùng chung: dữ liệu của từng người dân được xoá khi kết thúc phiên hỗ trợ.
ui-staff-code = Mã nhân viên
ui-staff-code-hint = Ví dụ: BDDN-HC-01
ui-staff-code-missing = Nhập mã nhân viên
ui-staff-password = Mật khẩu
ui-staff-password-missing = Nhập mật khẩu
ui-staff-where = Hôm nay bạn làm việc ở đâu?
ui-staff-where-post-office = Tại quầy bưu điện
ui-staff-where-event = Tại sự kiện hỗ trợ người dân (tổ công nghệ số cộng đồng)
ui-staff-post-office = Bưu điện
ui-staff-post-office-hint = Để trống nếu là bưu điện nơi bạn công tác.
ui-staff-event-name = Tên sự kiện
ui-staff-event-name-hint = Ví dụ: Ngày hội dịch vụ công gần dân
ui-staff-event-name-missing = Nhập tên sự kiện
ui-staff-event-unit-missing = Chọn phường, xã nơi tổ chức sự kiện
ui-staff-event-date = Ngày tổ chức
ui-staff-event-date-missing = Nhập ngày tổ chức sự kiện
ui-staff-password-changed = Bạn vừa đổi mật khẩu?
ui-staff-previous-password-hint = Nhập mật khẩu cũ để mở các hồ sơ đang chờ gửi đã được mã hoá trên máy này.
ui-staff-previous-password = Mật khẩu cũ
ui-staff-signin-submit = Đăng nhập
ui-staff-citizen-instead = Tôi là người dân: đăng nhập bằng số định danh cá nhân
ui-staff-home-title = Quầy hỗ trợ
ui-staff-venue-post-office = Đại lý dịch vụ công tại bưu điện
ui-staff-venue-event = Sự kiện hỗ trợ người dân
ui-staff-signed-in-as = Nhân viên: { $name } ({ $code })
ui-staff-serve = Phục vụ người dân tiếp theo
ui-staff-ended-title = Đã kết thúc phiên hỗ trợ
ui-staff-ended-body = Mọi dữ liệu của người dân vừa được hỗ trợ đã được xoá khỏi máy này. Hồ sơ chưa gửi được giữ ở dạng mã hoá cho đến khi cổng dịch vụ công nhận được.
ui-staff-tally-today = Hôm nay
ui-staff-tally-event = Tổng hợp sự kiện
ui-staff-tally-people = Số người được hỗ trợ
ui-staff-tally-submissions = Số hồ sơ
ui-staff-tally-sent = Đã gửi
ui-staff-tally-waiting = Đang chờ gửi
ui-staff-tally-attention = Cần xử lý
ui-staff-tally-per-service = Theo dịch vụ
ui-staff-tally-service = Dịch vụ
ui-staff-tally-chart = Biểu đồ
ui-staff-tally-entries = Hồ sơ đã nộp
ui-staff-tally-empty = Chưa có hồ sơ nào.
ui-staff-tally-csv = Xuất bảng tổng hợp (CSV)
ui-staff-tally-csv-download = Tải tệp CSV
ui-staff-tally-csv-hint = Tệp CSV chỉ có số liệu theo dịch vụ, không có mã hồ sơ hay thông tin cá nhân.
ui-staff-end-of-day = Kết thúc ngày làm việc
ui-staff-sign-out-hint = Hồ sơ chưa gửi vẫn được giữ, mã hoá, trên máy này và sẽ gửi sau khi bạn đăng nhập lại.
ui-staff-sign-out = Đăng xuất nhân viên
ui-serve-title = Phục vụ người dân
ui-serve-intro = Người dân đồng ý cho bạn thao tác thay họ bằng mã gửi tới điện thoại của họ, hoặc bằng phiếu đồng ý bằng giấy đã ký.
ui-serve-id-label = Số định danh cá nhân của người dân
ui-serve-consent = Người dân đồng ý bằng cách nào?
ui-serve-consent-otp = Mã gửi tới điện thoại của người dân
ui-serve-consent-otp-hint = Người dân đọc cho bạn mã 6 chữ số nhận được qua tin nhắn.
ui-serve-consent-otp-offline = Không dùng được khi mất kết nối.
ui-serve-consent-paper = Phiếu đồng ý bằng giấy
ui-serve-consent-paper-hint = Người dân ký phiếu; bạn nhập số tham chiếu in trên phiếu. Dùng được cả khi mất kết nối.
ui-serve-send-code = Gửi mã cho người dân
ui-serve-code-sent = Đã gửi mã tới điện thoại đã đăng ký của người dân.
ui-serve-otp-label = Mã người dân nhận được
ui-serve-reference-label = Số tham chiếu của phiếu đồng ý
ui-serve-reference-hint = Ví dụ: GIAYUQ-2026-000123
ui-serve-reference-missing = Nhập số tham chiếu của phiếu đồng ý
ui-serve-open = Bắt đầu phiên hỗ trợ
ui-session-banner-label = Phiên hỗ trợ
ui-session-serving = Đang hỗ trợ: { $initials }
ui-session-initials-unknown = người dân (chưa xác minh trực tuyến)
ui-session-time-left = Còn { $time }
ui-session-end = Kết thúc phiên
ui-session-end-confirm = Kết thúc phiên? Mọi dữ liệu của người dân này sẽ bị xoá khỏi máy. Hồ sơ chưa gửi vẫn được giữ, mã hoá, cho đến khi gửi xong.
ui-session-offline-title = Phiên hỗ trợ khi mất kết nối
ui-session-offline-body = Chưa đọc được hồ sơ và giấy tờ của người dân từ kho dữ liệu. Nhập thông tin và đính kèm ảnh giấy tờ; hồ sơ được lưu trên máy và tự gửi khi có kết nối.
ui-session-paper-note = Đồng ý bằng giấy: phiên này được nộp hồ sơ nhưng không được xem giấy tờ của người dân.
ui-session-paper-title = Phiên hỗ trợ theo giấy đồng ý
ui-session-paper-body = Nhập thông tin của người dân và đính kèm ảnh giấy tờ họ mang theo. Hồ sơ, giấy tờ và các hồ sơ đã nộp của họ không hiện ở đây.
ui-lock-title = Máy đang khoá
ui-lock-body = Máy đã tự khoá vì lâu không dùng. { $name } nhập mật khẩu để tiếp tục.
ui-lock-unlock = Mở khoá
ui-lock-now = Khoá máy
ui-receipt-title = Biên nhận hồ sơ
ui-receipt-open = In biên nhận
ui-receipt-language = Ngôn ngữ của biên nhận
ui-receipt-print = In
ui-receipt-print-hint = Hộp thoại in của máy cũng cho phép lưu biên nhận thành tệp PDF.
ui-done-saved-assisted = Biên nhận có mã hồ sơ sẽ in được khi hồ sơ đã gửi; người dân cũng nhận mã qua tin nhắn.
ui-delivery-post-hint-post-office = Bưu điện gửi kết quả đến tận nhà người dân.
ui-download-saved = Đã lưu tệp vào { $path }
ui-download-failed = Không lưu được tệp. Hãy thử lại.
ui-download-dismiss = Đóng thông báo
ui-access-log-title = Ai đã dùng dữ liệu của tôi
ui-access-log-link-hint = Các lần nhân viên bưu điện hoặc tình nguyện viên mở phiên hỗ trợ hay xem dữ liệu của bạn.
ui-access-log-back = Quay lại Cài đặt
ui-access-log-intro = Mỗi lần nhân viên bưu điện hoặc tình nguyện viên mở phiên hỗ trợ cho bạn hay xem dữ liệu của bạn, cổng dịch vụ công đều ghi lại ở đây. Nếu thấy lần nào bạn không đồng ý, hãy báo cho tổng đài dịch vụ công.
ui-access-log-empty = Chưa có ai dùng dữ liệu của bạn thay cho bạn.
ui-access-log-more = Xem các mục cũ hơn
ui-access-log-time = Thời gian (giờ Việt Nam)
ui-access-log-staff = Nhân viên
ui-access-log-staff-value = { $name } (mã { $code })
ui-access-log-organisation = Đơn vị
ui-access-log-venue = Địa điểm
ui-access-log-consent = Đồng ý
ui-access-log-consent-otp = Bằng mã gửi đến điện thoại của bạn
ui-access-log-consent-paper = Bằng giấy đồng ý
ui-notify-title = Nhận tin qua SMS và e-mail
ui-notify-link-hint = Chọn cổng dịch vụ công báo tin cho bạn qua ứng dụng, SMS hay e-mail, và giờ không nhận SMS.
ui-notify-back = Quay lại Cài đặt
ui-notify-intro = Cổng dịch vụ công báo tin cho bạn theo lựa chọn dưới đây, trên mọi thiết bị. Mã xác thực (OTP) và thông báo phiên hỗ trợ luôn được gửi qua SMS ngay lập tức.
ui-notify-category-status = Trạng thái hồ sơ
ui-notify-category-status-hint = Hồ sơ được tiếp nhận, cần bổ sung, có kết quả hoặc bị từ chối.
ui-notify-category-delivery = Giao kết quả qua bưu điện
ui-notify-category-delivery-hint = Kết quả được gửi đi (kèm mã vận đơn) và đã giao đến bạn.
ui-notify-category-renewal = Nhắc gia hạn giấy tờ
ui-notify-category-renewal-hint = Giấy tờ của bạn sắp hết hạn.
ui-notify-channel-app = Ứng dụng
ui-notify-channel-sms = SMS
ui-notify-channel-email = E-mail
ui-notify-no-email = Hồ sơ của bạn chưa có địa chỉ e-mail nên không thể nhận tin qua e-mail. Hãy bổ sung e-mail tại bộ phận một cửa.
ui-notify-quiet-title = Giờ yên lặng cho SMS
ui-notify-quiet-switch = Không gửi SMS trong giờ yên lặng
ui-notify-quiet-hint = Giờ Việt Nam. SMS đến trong khoảng này được giữ lại và gửi khi hết giờ yên lặng, không bị bỏ. Ứng dụng và e-mail không bị giữ.
ui-notify-saved = Đã lưu. Cổng dịch vụ công sẽ báo tin cho bạn theo lựa chọn này.
ui-notify-offline = Bạn đang không có mạng nên chưa thể thay đổi cách nhận tin. Lựa chọn của bạn vẫn còn trên màn hình này; hãy bấm Lưu lại khi có mạng.
ui-notify-offline-load = Bạn đang không có mạng. Cách nhận tin được lưu trên cổng dịch vụ công nên chỉ xem và thay đổi được khi có mạng.
ui-access-session-opened = Mở phiên hỗ trợ
ui-access-read-profile = Xem hồ sơ cá nhân
ui-access-read-documents = Xem giấy tờ
ui-access-read-applications = Xem hồ sơ đã nộp
ui-access-read-attachment = Xem tệp đính kèm
ui-access-read-changes = Xem cập nhật của bạn
ui-access-submitted-application = Nộp hồ sơ
ui-access-submitted-attachment = Tải lên tệp
ui-access-submitted-other = Gửi thay đổi cho hồ sơ
ui-lock-again-title = Đăng nhập lại
ui-lock-again-body = Sau nhiều lần nhập sai mật khẩu, máy bắt chờ trước mỗi lần thử. Đăng nhập lại tài khoản nhân viên (cần có mạng) sẽ mở máy ngay.
ui-lock-again-password = Mật khẩu nhân viên để đăng nhập lại
ui-lock-again = Đăng nhập lại tài khoản nhân viên

## Phản ánh, kiến nghị

ui-nav-feedback = Phản ánh
ui-feedback-title = Phản ánh, kiến nghị
ui-feedback-intro = Gửi phản ánh về môi trường, giao thông, trật tự, hạ tầng đô thị… Trung tâm Giám sát điều hành thông minh trực 24/7 và trả lời trong vài giờ; cơ quan phụ trách giải quyết trong vài ngày làm việc.
ui-feedback-new = Gửi phản ánh mới
ui-feedback-sent-heading = Phản ánh đã gửi
ui-feedback-empty = Bạn chưa gửi phản ánh nào.
ui-feedback-answer-due = Trả lời trước { $time }
ui-feedback-resolve-by = Giải quyết trước { $time }
ui-feedback-status-received = Đã tiếp nhận
ui-feedback-status-assigned = Đang xử lý
ui-feedback-status-answered = Đã trả lời
ui-feedback-status-closed = Đã giải quyết
ui-feedback-status-reopened = Đã mở lại
ui-feedback-status-unknown = Chưa rõ trạng thái
ui-feedback-event-received = Đã tiếp nhận
ui-feedback-event-assigned = Đã giao cho cơ quan xử lý
ui-feedback-event-handed-off = Đã chuyển cho cơ quan khác
ui-feedback-event-answered = Đã trả lời
ui-feedback-event-closed = Đã giải quyết xong
ui-feedback-event-reopened = Bạn đã mở lại
ui-feedback-event-rated = Bạn đã đánh giá
ui-feedback-event-unknown = Cập nhật khác
ui-feedback-new-title = Gửi phản ánh mới
ui-feedback-new-intro = Phản ánh được lưu trên máy trước, nên vẫn gửi được khi mất mạng: máy sẽ tự gửi một lần khi có mạng lại.
ui-feedback-category = Bạn phản ánh về lĩnh vực nào?
ui-feedback-category-missing = Chọn lĩnh vực phản ánh
ui-feedback-service-clocks = Trả lời trong { $hours } giờ, giải quyết trong { $days } ngày làm việc
ui-feedback-description = Nội dung phản ánh
ui-feedback-description-hint = Việc gì đang xảy ra, từ khi nào, ảnh hưởng thế nào.
ui-feedback-description-missing = Nhập nội dung phản ánh
ui-feedback-description-too-long = Nội dung quá dài: tối đa 4000 ký tự
ui-feedback-characters = { $count } / { $max } ký tự
ui-feedback-photos = Ảnh (không bắt buộc)
ui-feedback-photos-hint = Tối đa { $max } ảnh. Ảnh lớn được thu nhỏ trên máy trước khi gửi.
ui-feedback-photos-too-many = Chỉ gửi được tối đa 3 ảnh
ui-feedback-photo-unreadable = Không đọc được ảnh này. Hãy chọn ảnh khác.
ui-feedback-photo-remove = Bỏ ảnh { $name }
ui-feedback-place = Địa điểm
ui-feedback-place-none = Không nêu địa điểm
ui-feedback-place-address = Địa chỉ
ui-feedback-place-point = Tọa độ (vĩ độ, kinh độ)
ui-feedback-point-hint = Nhập hoặc dán tọa độ từ bản đồ, ví dụ 16.0544, 108.2022.
ui-feedback-lat = Vĩ độ
ui-feedback-long = Kinh độ
ui-feedback-lat-invalid = Nhập vĩ độ là một số từ -90 đến 90, ví dụ 16.0544
ui-feedback-long-invalid = Nhập kinh độ là một số từ -180 đến 180, ví dụ 108.2022
ui-feedback-share = Cho phép công khai địa điểm
ui-feedback-share-hint = Danh sách phản ánh công khai sẽ hiện vị trí này. Nếu không chọn, chỉ hiện phường, xã. Ảnh luôn được bỏ thông tin vị trí trước khi gửi.
ui-feedback-application = Liên quan đến hồ sơ (không bắt buộc)
ui-feedback-application-none = Không liên quan đến hồ sơ nào
ui-feedback-send = Gửi phản ánh
ui-feedback-filed-sent = Đã gửi phản ánh. Bạn sẽ nhận thông báo khi có trả lời.
ui-feedback-filed-saved = Đã lưu phản ánh trên máy này. Sẽ tự gửi khi có mạng.
ui-feedback-missing-title = Chưa có phản ánh này trên máy
ui-feedback-missing-body = Phản ánh chưa được đồng bộ về máy này. Hãy thử lại khi có mạng.
ui-feedback-answer = Trả lời của cơ quan
ui-feedback-description-label = Nội dung
ui-feedback-submitted-label = Gửi lúc
ui-feedback-answer-due-label = Hạn trả lời
ui-feedback-answered-at = Đã trả lời lúc { $time }
ui-feedback-resolve-by-label = Hạn giải quyết
ui-feedback-closed-at = Đã giải quyết lúc { $time }
ui-feedback-agency-label = Cơ quan xử lý
ui-feedback-photos-label = Ảnh
ui-feedback-photo-count = { $count } ảnh
ui-feedback-timeline = Quá trình xử lý
ui-feedback-rate = Đánh giá câu trả lời
ui-feedback-rating-question = Bạn hài lòng với câu trả lời thế nào?
ui-feedback-reopen = Mở lại phản ánh
ui-feedback-reopen-once = Nếu câu trả lời chưa giải quyết được việc, bạn có thể mở lại phản ánh một lần.
ui-feedback-reopen-reason = Vì sao việc chưa được giải quyết?
ui-feedback-reopen-reason-missing = Nhập lý do mở lại

# Hồ sơ cá nhân (khai một lần, dùng nhiều lần): đổi số điện thoại, thư điện tử, địa chỉ.
ui-profile-title = Hồ sơ cá nhân
ui-profile-link-hint = Số điện thoại, thư điện tử và địa chỉ dùng để điền sẵn hồ sơ.
ui-profile-identity = Thông tin định danh
ui-profile-full-name = Họ và tên
ui-profile-id-number = Số định danh cá nhân
ui-profile-birth-date = Ngày sinh
ui-profile-identity-hint = Họ tên, số định danh, ngày sinh và giới tính chỉ thay đổi được trên ứng dụng VNeID hoặc tại công an cấp xã nơi bạn cư trú.
ui-profile-phone = Số điện thoại
ui-profile-phone-hint = Mã đăng nhập được gửi đến số này. Khi đổi số, cần mã gửi đến số mới và mã gửi đến số cũ.
ui-profile-email = Thư điện tử
ui-profile-email-none = Chưa có
ui-profile-change = Thay đổi
ui-profile-phone-new = Số điện thoại mới
ui-profile-email-new = Địa chỉ thư điện tử mới
ui-profile-send-code = Gửi mã xác nhận
ui-profile-send-again = Gửi lại mã
ui-profile-code = Mã xác nhận gửi đến địa chỉ mới
ui-profile-old-phone-code = Mã xác nhận gửi đến số điện thoại cũ
ui-profile-confirm = Xác nhận thay đổi
ui-profile-code-sent-phone = Đã gửi mã đến số điện thoại mới và số cũ của bạn. Mã có hiệu lực 5 phút.
ui-profile-code-sent-email = Đã gửi mã đến địa chỉ thư điện tử mới. Mã có hiệu lực 5 phút.
ui-profile-code-invalid = Mã không đúng hoặc đã hết hạn. Hãy bấm Gửi lại mã.
ui-profile-field-invalid = Thông tin này chưa hợp lệ.
ui-profile-value-missing = Nhập giá trị mới
ui-profile-permanent-address = Nơi thường trú
ui-profile-current-address = Nơi ở hiện tại
ui-profile-same-as-permanent = Giống nơi thường trú
ui-profile-street = Số nhà, đường, thôn, tổ
ui-profile-street-missing = Nhập số nhà, đường, thôn hoặc tổ
ui-profile-unit-missing = Chọn phường, xã hoặc đặc khu
ui-profile-language = Ngôn ngữ của tin nhắn và thư
ui-profile-saved = Đã lưu hồ sơ. Các hồ sơ sau sẽ được điền sẵn bằng thông tin mới.
ui-profile-needs-connection = Cần có mạng để thay đổi hồ sơ. Những gì bạn đã nhập vẫn còn trên màn hình này.
ui-apply-use-previous = Dùng câu trả lời lần trước: { $value }

## Paying a fee (the "Pay" step of an application, the electronic receipt)

ui-payment-title = Thanh toán lệ phí
ui-payment-amount-due = Số tiền phải trả:
ui-payment-awaiting-hint = Hồ sơ này được xử lý sau khi lệ phí đã được thanh toán.
ui-payment-choose-method = Chọn cách thanh toán
ui-payment-method-vnpay = Thanh toán trực tuyến qua VNPay
ui-payment-method-vnpay-hint = Mở trang thanh toán của VNPay trong trình duyệt, rồi quay lại ứng dụng.
ui-payment-method-counter = Nộp tại quầy một cửa
ui-payment-method-counter-hint = Nộp khi đến quầy; cán bộ ghi nhận và biên lai hiện ở đây.
ui-payment-method-cod = Trả tiền mặt cho bưu tá khi nhận kết quả
ui-payment-method-cod-hint = Chỉ khi nhận kết quả qua bưu điện.
ui-payment-pay = Thanh toán { $amount }
ui-payment-try-again = Thử thanh toán lại
ui-payment-needs-connection = Thanh toán cần có kết nối mạng. Hồ sơ vẫn được giữ nguyên; hãy thanh toán khi có mạng.
ui-payment-failed-try-again = Lần thanh toán trước không thành công và không bị trừ tiền. Hãy thử lại.
ui-payment-expired-try-again = Lần thanh toán trước đã hết hạn trước khi hoàn tất. Hãy thử lại.
ui-payment-opened-browser = Trang thanh toán VNPay đã mở trong trình duyệt. Thanh toán xong, ứng dụng sẽ hiện kết quả ở đây.
ui-payment-choice-recorded = Đã ghi nhận cách thanh toán bạn chọn.
ui-payment-conflict = Hồ sơ này đang có một khoản thanh toán chưa hoàn tất. Trạng thái mới nhất hiện ở dưới.
ui-payment-pending-vnpay = Đang chờ VNPay xác nhận thanh toán.
ui-payment-continue = Tiếp tục thanh toán
ui-payment-check-again = Kiểm tra lại trạng thái
ui-payment-pending-counter = Hãy nộp { $amount } tại quầy một cửa. Cán bộ ghi nhận xong, biên lai điện tử sẽ hiện ở đây.
ui-payment-pending-cod = Hãy trả { $amount } cho bưu tá khi nhận kết quả. Biên lai điện tử sẽ hiện ở đây sau đó.
ui-payment-started-at = Bắt đầu lúc { $time }
ui-payment-paid = Đã thanh toán { $amount }.
ui-payment-refunded-note = Khoản { $amount } đã được hoàn trả.
ui-payment-refunded = Đã hoàn tiền
ui-payment-returning = Đang kiểm tra khoản thanh toán…
ui-payment-to-applications = Về danh sách hồ sơ
ui-payment-status-pending = Đang chờ xác nhận
ui-payment-status-paid = Đã thanh toán
ui-payment-status-failed = Không thành công
ui-payment-status-expired = Đã hết hạn
ui-payment-status-refunded = Đã hoàn tiền
ui-payment-receipts-title = Biên lai điện tử
ui-payment-receipt-title = Biên lai điện tử
ui-payment-receipt-number = Số biên lai
ui-payment-receipt-payer = Người nộp
ui-payment-receipt-amount = Số tiền
ui-payment-receipt-procedure = Thủ tục
ui-payment-receipt-provider = Hình thức thanh toán
ui-payment-receipt-reference = Mã giao dịch
ui-payment-receipt-time = Thời gian thanh toán
ui-payment-receipt-open-application = Xem hồ sơ

## drafts

ui-home-drafts = Hồ sơ đang soạn ({ $count })
ui-home-draft-changed = Sửa lần cuối { $time }
ui-home-draft-resume = Tiếp tục
ui-home-draft-discard = Xoá bản nháp
ui-home-draft-discard-confirm = Xoá bản nháp này? Những gì bạn đã nhập sẽ mất.
ui-apply-pick-again = { $count } tệp bạn chọn trước đó không còn trên máy này; hãy chọn lại ở mục Giấy tờ.

## docs-upload

ui-queue-kind-document = Giấy tờ tự thêm vào ví

## desktop

ui-settings-display = Cỡ chữ và độ tương phản
ui-settings-text-size = Cỡ chữ
ui-settings-text-size-hint = So với cỡ chữ bạn đặt cho máy này.
ui-settings-text-size-option = { $percent }%
ui-settings-text-size-system = { $percent }% (như cỡ chữ của máy)
ui-settings-high-contrast = Độ tương phản cao
ui-settings-high-contrast-hint = Chữ đen trên nền trắng, đường viền và liên kết đậm hơn.
ui-settings-desktop = Khi đóng cửa sổ
ui-settings-keep-in-tray = Tiếp tục chạy trong khay hệ thống khi đóng cửa sổ
ui-settings-keep-in-tray-hint = Để tin về hồ sơ và lời nhắc gia hạn vẫn đến khi cửa sổ đã đóng. Chọn “Thoát” ở biểu tượng trong khay để tắt hẳn.
ui-settings-open-at-login = Mở OpenDVC khi đăng nhập vào máy tính
