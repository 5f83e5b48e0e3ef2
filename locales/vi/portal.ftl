# Văn bản của cổng tham chiếu OpenDVC (tin nhắn, hộp thư).
otp-sms = OpenDVC: mã đăng nhập của bạn là { $code }, có hiệu lực { $minutes } phút. Không chia sẻ mã này cho ai.
consent-sms = OpenDVC: { $staff } ({ $venue }) xin phép hỗ trợ bạn nộp hồ sơ. Nếu đồng ý, đọc mã { $code } cho nhân viên. Mã có hiệu lực { $minutes } phút.
# Xác nhận số điện thoại hoặc thư điện tử mới trong hồ sơ (PATCH /v1/me).
contact-code-sms = OpenDVC: mã xác nhận số điện thoại mới của bạn là { $code }, có hiệu lực { $minutes } phút. Không chia sẻ mã này cho ai.
contact-code-email-subject = OpenDVC: mã xác nhận địa chỉ thư điện tử
contact-code-email = Mã xác nhận địa chỉ thư điện tử mới của bạn là { $code }, có hiệu lực { $minutes } phút. Nếu bạn không yêu cầu thay đổi, hãy bỏ qua thư này.
old-phone-code-sms = OpenDVC: có yêu cầu đổi số điện thoại đăng nhập của bạn sang số kết thúc bằng { $ending }. Nếu đúng là bạn, nhập mã { $code } (hiệu lực { $minutes } phút). Nếu không, đừng chia sẻ mã này.
notice-received-sms = OpenDVC: hồ sơ { $code } đã được tiếp nhận, hẹn trả kết quả { $due }. Tra cứu: { $link }
# Báo cho công dân mỗi khi nhân viên mở phiên hỗ trợ cho họ: ai, ở đâu, lúc nào, và cách báo lạm dụng.
assist-opened-sms = OpenDVC: nhân viên { $staff } ({ $organisation }) đã mở phiên hỗ trợ hồ sơ cho bạn tại { $venue } lúc { $time }. Không phải bạn đồng ý? Gọi đường dây nóng { $hotline }.
status-awaiting-payment = Chờ thanh toán
status-received = Mới tiếp nhận
status-processing = Đang xử lý
status-supplement-requested = Chờ bổ sung
status-completed = Đã có kết quả
status-handed-over = Đã trả kết quả
status-rejected = Từ chối
status-withdrawn = Đã rút
delivery-preparing = Đang chuẩn bị gửi
delivery-dispatched = Đã giao cho bưu điện
delivery-delivered = Đã phát thành công
delivery-returned-to-sender = Bưu điện đã hoàn trả
inbox-status-title = Hồ sơ { $code }: { $status }
inbox-status-body = Hồ sơ “{ $procedure }” đã chuyển sang trạng thái “{ $status }”.
inbox-status-note = Ghi chú: { $note }
inbox-delivery-title = Giao kết quả hồ sơ { $code }: { $state }
inbox-delivery-body = Kết quả hồ sơ “{ $procedure }”: { $state }.
inbox-delivery-tracking = Mã vận đơn: { $tracking }
inbox-delivery-changed-title = Đã đổi cách nhận kết quả hồ sơ { $code }
inbox-delivery-changed-body = Hồ sơ “{ $procedure }”: cách nhận kết quả mới đã được ghi nhận. Phí bạn trả: { $payable } đồng.
notice-received-email-subject = Hồ sơ { $code }: đã tiếp nhận
notice-received-email = OpenDVC: hồ sơ { $code } (“{ $procedure }”) đã được tiếp nhận, hẹn trả kết quả { $due }. Tra cứu tình trạng hồ sơ: { $link }
notice-email-subject = Hồ sơ { $code }: { $status }
notice-email = OpenDVC: hồ sơ { $code } (“{ $procedure }”) hiện ở trạng thái “{ $status }”.
notice-supplement-sms = OpenDVC: hồ sơ { $code } cần bổ sung: { $note } Xem: { $link }
notice-completed-sms = OpenDVC: hồ sơ { $code } đã có kết quả. Xem: { $link }
notice-rejected-sms = OpenDVC: hồ sơ { $code } bị từ chối: { $note } Xem: { $link }
notice-dispatched-sms = OpenDVC: kết quả hồ sơ { $code } đã giao bưu điện, mã vận đơn { $tracking }. Xem: { $link }
notice-delivered-sms = OpenDVC: kết quả hồ sơ { $code } đã phát thành công. Xem: { $link }
notice-delivery-email-subject = Giao kết quả hồ sơ { $code }: { $state }
notice-delivery-email = OpenDVC: kết quả hồ sơ { $code } (“{ $procedure }”): { $state }. Tra cứu: { $link }

# Nhắc gia hạn giấy tờ do cổng tự gửi khi hạn của giấy tờ sắp đến (thẻ căn cước: theo tuổi người giữ thẻ).
inbox-renewal-title = { $kind ->
        [id_card] Thẻ căn cước
        [passport] Hộ chiếu
        [driving_licence] Giấy phép lái xe
        [temporary_residence] Đăng ký tạm trú
        [health_insurance] Thẻ bảo hiểm y tế
       *[other] Giấy tờ
    } sắp hết hạn
inbox-renewal-body = Giấy tờ số { $number } hết hạn ngày { $date }. Bạn có thể làm thủ tục gia hạn trực tuyến.
notice-renewal-sms = OpenDVC: { $kind ->
        [id_card] thẻ căn cước
        [passport] hộ chiếu
        [driving_licence] giấy phép lái xe
        [temporary_residence] đăng ký tạm trú
        [health_insurance] thẻ bảo hiểm y tế
       *[other] giấy tờ
    } của bạn hết hạn ngày { $date }. Gia hạn trực tuyến trên ứng dụng OpenDVC.

# Ghi chú trên dòng thời gian khi hồ sơ được giao cho một cán bộ (POST /v1/officer/applications/{id}/assign).
timeline-assigned = Hồ sơ được giao cho cán bộ { $officer } ({ $code }) xử lý.

## Early warning of late applications (the operations centre)

late-warning-at-risk-sms = OpenDVC IOC: hồ sơ { $code } ({ $procedure }) đến hạn { $date }. Đề nghị xử lý đúng hạn.
late-warning-at-risk-subject = Hồ sơ { $code } sắp đến hạn ({ $date })
late-warning-overdue-sms = OpenDVC IOC: hồ sơ { $code } ({ $procedure }) đã quá hạn { $date }. Đề nghị xử lý ngay và báo cáo.
late-warning-overdue-subject = Hồ sơ { $code } đã quá hạn ({ $date })
inbox-late-title = Hồ sơ { $code } đã quá hạn
inbox-late-body = Hồ sơ { $code } lẽ ra phải xong { $date }. Trung tâm điều hành đã báo { $agency }. Bạn có thể gọi { $phone } hoặc đến { $address }, kèm mã hồ sơ.

## Bảng điều khiển của cán bộ (/console/) khi cổng được dựng mà chưa có các tệp của nó.

console-missing-title = Bảng điều khiển của cán bộ chưa được dựng
console-missing-body = Cổng này được dựng mà chưa có các tệp của bảng điều khiển. Hãy chạy { $command } trong thư mục mã nguồn rồi dựng lại cổng.

## Phản ánh, kiến nghị: hộp thư khi có trả lời.

inbox-feedback-answered-title = Phản ánh của bạn đã được trả lời
inbox-feedback-answered-body = { $agency } đã trả lời phản ánh của bạn: { $answer }
notice-feedback-answered-sms = OpenDVC: { $agency } đã trả lời phản ánh của bạn: { $answer }
notice-feedback-answered-email-subject = Phản ánh của bạn đã được trả lời
notice-feedback-answered-email = OpenDVC: { $agency } đã trả lời phản ánh của bạn (mã { $reference }):
    “{ $description }”

    Trả lời: { $answer }

## Phản ánh: cảnh báo sớm cho cán bộ (75% thời hạn, quá hạn).

feedback-warning-at-risk-sms = OpenDVC IOC: phản ánh { $service } “{ $summary }” cần { $clock ->
    [resolve] giải quyết
   *[other] trả lời
} trước { $time } { $date }. Đề nghị xử lý đúng hạn.
feedback-warning-at-risk-subject = Phản ánh { $service } sắp đến hạn ({ $time } { $date })
feedback-warning-overdue-sms = OpenDVC IOC: phản ánh { $service } “{ $summary }” đã quá hạn { $clock ->
    [resolve] giải quyết
   *[other] trả lời
} ({ $time } { $date }). Đề nghị chỉ đạo xử lý ngay.
feedback-warning-overdue-subject = Phản ánh { $service } đã quá hạn ({ $time } { $date })

## Thanh toán lệ phí (issue 17)

payment-paid-note = Đã thanh toán lệ phí { $amount } đồng.
payment-amount = Số tiền: { $amount } đồng
payment-return-title = Thanh toán lệ phí
payment-return-pending = Giao dịch đang chờ ngân hàng xác nhận.
payment-return-paid = Đã thanh toán.
payment-return-failed = Giao dịch không thành công.
payment-return-expired = Giao dịch đã hết hạn.
payment-return-refunded = Đã hoàn tiền.
payment-return-not-found = Không tìm thấy giao dịch này.
payment-return-back = Hãy quay lại ứng dụng OpenDVC để xem trạng thái hồ sơ và biên lai.
payment-return-open-app = Mở ứng dụng OpenDVC
sandbox-title = Ngân hàng thử nghiệm (bản trình diễn)
sandbox-explain = Trang này đóng vai ngân hàng trong bản trình diễn; không có tiền thật nào được chuyển.
sandbox-order = Nội dung: { $info }
sandbox-pay = Thanh toán
sandbox-cancel = Hủy giao dịch
sandbox-fail = Giả lập lỗi thanh toán
sandbox-bad-signature = Chữ ký của yêu cầu thanh toán không hợp lệ.
