# Thông báo trên máy: tiêu đề theo loại, nội dung từ hộp thư hoặc từ lời nhắc gia hạn.

notify-status-title = Hồ sơ có cập nhật
notify-delivery-title = Cập nhật về việc chuyển phát kết quả
notify-renewal-title = Giấy tờ sắp hết hạn
notify-notice-title = Thông báo mới
notify-feedback-title = Phản ánh của bạn có trả lời
notify-item-body = { $title }: { $body }
notify-reminder-body = { $kind } hết hạn ngày { $date } (còn { $days } ngày). Bạn có thể làm thủ tục gia hạn ngay trong ứng dụng.
notify-shared-status-title = Hồ sơ của bạn có cập nhật
notify-shared-delivery-title = Kết quả của bạn có cập nhật về chuyển phát
notify-shared-renewal-title = Một giấy tờ của bạn sắp hết hạn
notify-shared-notice-title = Bạn có thông báo mới
notify-shared-feedback-title = Phản ánh của bạn có cập nhật
notify-shared-body = Mở ứng dụng OpenDVC và đăng nhập để xem chi tiết.
notify-calendar-name = Hạn giấy tờ (OpenDVC)
notify-calendar-summary = { $kind } hết hạn
notify-calendar-description = { $kind } số { $number } hết hạn ngày { $date }. Làm thủ tục gia hạn trên OpenDVC.
watch-connected = Đang nhận cập nhật từ cổng dịch vụ công. Nhấn Ctrl-C để dừng.
watch-disconnected = Mất kết nối ({ $reason }); thử lại sau { $seconds } giây.
watch-event = Sự kiện { $id } ({ $kind }): { $applications } hồ sơ, { $inbox } tin nhắn mới được đồng bộ.
watch-inbox = Hộp thư: { $title }
watch-notification = Thông báo: { $title } — { $body } ({ $target })
watch-held-back = (Không hiện thông báo: theo cài đặt của bạn.)
reminders-line = { $kind } { $number }: { $standing }, hết hạn { $expires }
reminders-line-no-date = { $kind } { $number }: { $standing }
reminders-standing-valid = còn hiệu lực
reminders-standing-renew-soon = nên gia hạn
reminders-standing-expired = đã hết hạn
reminders-standing-no-expiry = không thời hạn
reminders-standing-unknown = chưa rõ thời hạn
reminders-due-held-back = Đến hạn nhắc gia hạn { $kind } (không hiện thông báo: theo cài đặt của bạn).
reminders-none-due = Không có lời nhắc nào đến hạn hôm nay.
notify-action-open = Mở

## desktop

tray-open = Mở OpenDVC
tray-quit = Thoát
