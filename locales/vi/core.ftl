# Thông điệp của lõi ứng dụng (lỗi, trạng thái hàng đợi).

error-network = Không kết nối được cổng dịch vụ công. Kiểm tra mạng; hồ sơ đã lưu trên máy sẽ được gửi khi có mạng.
error-timeout = Cổng dịch vụ công không trả lời kịp. Hồ sơ đã lưu sẽ được gửi lại sau.
error-server = Cổng dịch vụ công đang gặp lỗi. Hồ sơ đã lưu sẽ được gửi lại sau.
error-rate-limited = Cổng dịch vụ công đang quá tải. Ứng dụng sẽ tự thử lại sau.
error-unauthorized = Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại; hồ sơ chờ gửi vẫn được giữ.
error-not-signed-in = Bạn chưa đăng nhập. Hãy đăng nhập bằng số định danh cá nhân.
error-validation = Cổng dịch vụ công từ chối yêu cầu. Xem lý do, sửa rồi gửi lại.
error-not-found = Cổng dịch vụ công không tìm thấy hồ sơ này.
error-conflict = Yêu cầu không phù hợp với trạng thái hiện tại của hồ sơ.
error-malformed = Cổng dịch vụ công trả về dữ liệu không đọc được. Ứng dụng sẽ thử lại sau.
error-no-portal = Chưa có địa chỉ cổng dịch vụ công. Dùng --portal hoặc đăng nhập trước.
error-invalid-id-number = Số định danh cá nhân gồm 12 chữ số.
error-store = Lỗi cơ sở dữ liệu trên máy.
error-store-corrupt = Cơ sở dữ liệu trên máy bị hỏng.
error-no-such-item = Không có mục nào với mã này trong hàng đợi.
error-item-not-changeable = Mục này không còn chờ gửi nên không thể thay đổi.
error-not-an-application = Mục này không phải là một hồ sơ mới.
error-attachment-too-large = Tệp đính kèm quá lớn (tối đa 20 MiB).
error-attachment-unreadable = Không đọc được tệp đính kèm.
error-session-file = Không đọc hoặc ghi được tệp phiên đăng nhập.
error-catalog-missing = Danh mục thủ tục chưa có trên máy. Hãy đồng bộ một lần khi có mạng.
error-search-index-missing = Chưa tìm kiếm được: danh mục thủ tục chưa có trên máy. Hãy đồng bộ một lần khi có mạng.
error-search-failed = Không tìm được trong danh mục trên máy này. Hãy đồng bộ lại hoặc mở lại ứng dụng: chỉ mục tìm kiếm sẽ được dựng lại từ danh mục đã lưu.
error-unknown-procedure = Không có thủ tục này trong danh mục.
error-invalid-submission = Hồ sơ chưa hợp lệ.
error-unknown-application = Không tìm thấy hồ sơ hoặc mục chờ gửi này trên máy.
error-unsent-items = Còn { $count } mục chưa gửi.
error-attachment-missing = Bản sao tệp đính kèm trên máy đã mất.
error-parent-discarded = Hồ sơ mà mục này phụ thuộc đã bị hủy.
error-parent-not-created = Hồ sơ mà mục này phụ thuộc chưa được tạo.

queue-state-queued = chờ gửi
queue-state-sending = đang gửi
queue-state-sent = đã gửi
queue-state-needs-attention = cần xem lại
queue-state-discarded = đã hủy

queue-kind-upload-attachment = tải tệp đính kèm
queue-kind-create-application = hồ sơ mới
queue-kind-supplement = bổ sung hồ sơ
queue-kind-delivery-change = đổi cách nhận kết quả
queue-kind-withdraw = rút hồ sơ
queue-kind-rating = đánh giá

application-status-received = Mới tiếp nhận
application-status-processing = Đang xử lý
application-status-supplement-requested = Chờ bổ sung
application-status-completed = Đã có kết quả
application-status-handed-over = Đã trả kết quả
application-status-rejected = Từ chối
application-status-withdrawn = Đã rút
application-status-unknown = Trạng thái khác
application-status-waiting-to-send = Chờ gửi (đã lưu trên máy)
application-status-sending = Đang gửi
application-status-needs-attention = Cần xem lại

# Mã lỗi của cổng dịch vụ công (Problem.code).
error-malformed-request = Yêu cầu gửi lên không đúng định dạng.
error-validation-failed = Thông tin chưa hợp lệ theo cổng dịch vụ công.
error-token-expired = Phiên truy cập đã hết hạn.
error-refresh-token-invalid = Phiên đăng nhập đã hết. Vui lòng đăng nhập lại.
error-otp-invalid = Mã xác thực sai hoặc đã hết hạn. Hãy yêu cầu mã mới.
error-forbidden = Bạn không được phép thực hiện việc này.
error-consent-required = Cần sự đồng ý của công dân.
error-invalid-state = Hồ sơ đang ở trạng thái không cho phép việc này.
error-idempotency-key-missing = Yêu cầu thiếu khóa chống gửi trùng.
error-idempotency-key-reused = Khóa chống gửi trùng đã được dùng cho nội dung khác.
error-idempotency-in-flight = Yêu cầu này đang được xử lý; ứng dụng sẽ thử lại sau.
error-payload-too-large = Dữ liệu gửi lên quá lớn.
error-unsupported-media-type = Loại tệp không được chấp nhận.
error-internal = Cổng dịch vụ công gặp lỗi nội bộ; ứng dụng sẽ thử lại sau.
error-unknown = Lỗi không xác định.
