//! The text of an SMS as Vietnamese services send it: with diacritics (UCS-2) while the whole
//! text fits one segment of 70 characters, otherwise folded to plain Latin letters (GSM-7,
//! 160 characters a segment), since a long Vietnamese text in UCS-2 costs two or three
//! messages and some older phones show it badly.

use unicode_normalization::UnicodeNormalization;

/// Characters one UCS-2 segment holds.
pub const UCS2_SEGMENT: usize = 70;
/// Characters (septets) one GSM-7 segment holds.
pub const GSM7_SEGMENT: usize = 160;
/// Septets a segment of a concatenated GSM-7 message holds (the rest is its header).
const GSM7_PART: usize = 153;
/// UCS-2 characters a segment of a concatenated message holds.
#[cfg(test)]
const UCS2_PART: usize = 67;

/// An SMS ready for a gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsText {
    pub content: String,
    /// Sent as UCS-2 (with diacritics); otherwise GSM-7.
    pub unicode: bool,
    /// Segments the gateway will bill.
    pub segments: usize,
}

impl SmsText {
    /// `text` as it should be sent: unchanged if it fits one UCS-2 segment (or needs no
    /// UCS-2 at all), folded to GSM-7 otherwise.
    pub fn for_sending(text: &str) -> SmsText {
        if let Some(septets) = gsm7_septets(text) {
            return SmsText {
                content: text.to_owned(),
                unicode: false,
                segments: segments(septets, GSM7_SEGMENT, GSM7_PART),
            };
        }
        let characters = text.encode_utf16().count();
        if characters <= UCS2_SEGMENT {
            return SmsText {
                content: text.to_owned(),
                unicode: true,
                segments: 1,
            };
        }
        let content = fold(text);
        let septets = gsm7_septets(&content).unwrap_or(content.chars().count());
        SmsText {
            content,
            unicode: false,
            segments: segments(septets, GSM7_SEGMENT, GSM7_PART),
        }
    }

    /// The segments the same text would cost sent with its diacritics (for comparison).
    #[cfg(test)]
    pub fn ucs2_segments(text: &str) -> usize {
        segments(text.encode_utf16().count(), UCS2_SEGMENT, UCS2_PART)
    }
}

fn segments(length: usize, single: usize, part: usize) -> usize {
    if length <= single {
        1
    } else {
        length.div_ceil(part)
    }
}

/// Vietnamese (and other Latin) text without its diacritics, in GSM-7's characters: each
/// letter decomposed and its combining marks dropped (`ễ` → `e`), `đ`/`Đ` → `d`/`D`
/// (a letter of its own, not a mark), typographic punctuation to its plain form, and
/// anything else GSM-7 lacks to `?`.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for character in text.nfd() {
        if unicode_normalization::char::is_combining_mark(character) {
            continue;
        }
        match character {
            'đ' => folded.push('d'),
            'Đ' => folded.push('D'),
            '“' | '”' | '„' | '«' | '»' => folded.push('"'),
            '‘' | '’' | '‚' => folded.push('\''),
            '–' | '—' | '−' => folded.push('-'),
            '…' => folded.push_str("..."),
            '\u{00a0}' | '\u{202f}' => folded.push(' '),
            other if gsm7_septet_count(other).is_some() => folded.push(other),
            _ => folded.push('?'),
        }
    }
    folded
}

/// Septets `text` takes in GSM-7, or `None` if some character is not in GSM-7.
fn gsm7_septets(text: &str) -> Option<usize> {
    text.chars().map(gsm7_septet_count).sum()
}

/// GSM 03.38: the basic set takes one septet, the extension table two (escape + character).
fn gsm7_septet_count(character: char) -> Option<usize> {
    const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                         ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    const EXTENSION: &str = "^{}\\[~]|€\u{c}";
    if BASIC.contains(character) {
        Some(1)
    } else if EXTENSION.contains(character) {
        Some(2)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_vietnamese_text_keeps_its_diacritics_in_one_segment() {
        let text = "OpenDVC: mã đăng nhập của bạn là 482913, có hiệu lực 5 phút.";
        assert!(
            text.encode_utf16().count() <= UCS2_SEGMENT,
            "the sample fits"
        );
        let sms = SmsText::for_sending(text);
        assert_eq!(sms.content, text, "kept as written");
        assert!(sms.unicode, "sent as UCS-2");
        assert_eq!(sms.segments, 1);
    }

    #[test]
    fn a_long_vietnamese_text_is_folded_to_gsm7_and_costs_fewer_segments() {
        let text = "OpenDVC: nhân viên Phạm Thu Hà (Bưu điện Đà Nẵng) đã mở phiên hỗ trợ hồ sơ \
                    cho bạn tại Bưu cục Hải Châu lúc 09:15. Không phải bạn đồng ý? Gọi 1022.";
        let sms = SmsText::for_sending(text);
        assert!(!sms.unicode, "sent as GSM-7");
        assert_eq!(
            sms.content,
            "OpenDVC: nhan vien Pham Thu Ha (Buu dien Da Nang) da mo phien ho tro ho so \
             cho ban tai Buu cuc Hai Chau luc 09:15. Khong phai ban dong y? Goi 1022."
        );
        assert!(
            sms.content.chars().count() <= GSM7_SEGMENT,
            "one GSM-7 segment"
        );
        assert_eq!(sms.segments, 1);
        assert_eq!(
            SmsText::ucs2_segments(text),
            3,
            "with diacritics it would cost three"
        );
    }

    #[test]
    fn every_vietnamese_letter_folds_to_its_base_letter() {
        let letters = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
        let folded = fold(letters);
        assert_eq!(
            folded,
            "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
        );
        assert_eq!(fold(&letters.to_uppercase()), folded.to_uppercase());
    }

    #[test]
    fn typographic_punctuation_becomes_plain_and_the_rest_a_question_mark() {
        assert_eq!(
            fold("hồ sơ “Cấp đổi” – xong…"),
            "ho so \"Cap doi\" - xong..."
        );
        assert_eq!(fold("漢"), "?");
        assert!(
            gsm7_septets(&fold("€ {x} ∑")).is_some(),
            "all GSM-7 after folding"
        );
    }

    #[test]
    fn an_ascii_text_is_sent_as_gsm7_whatever_its_length() {
        let text = "x".repeat(200);
        let sms = SmsText::for_sending(&text);
        assert!(!sms.unicode);
        assert_eq!(sms.content, text);
        assert_eq!(sms.segments, 2, "153 septets a part");
    }
}
