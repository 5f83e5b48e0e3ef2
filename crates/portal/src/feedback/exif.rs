//! Removes the place a photo was taken from a feedback photo before the portal stores it.
//!
//! A phone writes the GPS position into a photo's EXIF block, and often again into its XMP
//! packet. A resident who files feedback without sharing the place must not publish it through
//! a photo, so the portal drops both blocks whole (with them the camera's serial number and the
//! time taken, which are nobody's business either). `img-parts` splits JPEG, PNG and WebP files
//! into their segments and chunks without decoding a pixel, so the picture itself is copied
//! byte for byte and nothing is re-compressed.

use img_parts::{Bytes, ImageEXIF, jpeg, png, webp};
use thiserror::Error;

/// The XMP packet of a JPEG (an APP1 segment) and of a PNG (an `iTXt` chunk) starts so.
const JPEG_XMP_PREFIX: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const PNG_XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp\0";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ExifError {
    #[error(
        "a feedback photo must be a JPEG, PNG or WebP image, not {content_type}: \
         send the photo in one of these formats"
    )]
    UnsupportedFormat { content_type: String },
    #[error("the file is not a readable {content_type} image ({reason}): send the photo again")]
    NotAnImage {
        content_type: String,
        reason: String,
    },
}

/// The photo without its EXIF block and XMP packet (where a camera writes the GPS position).
/// A photo carrying neither comes back unchanged, byte for byte.
pub fn strip_location(bytes: &[u8], content_type: &str) -> Result<Vec<u8>, ExifError> {
    let content_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let not_an_image = |error: img_parts::Error| ExifError::NotAnImage {
        content_type: content_type.clone(),
        reason: error.to_string(),
    };
    let input = Bytes::copy_from_slice(bytes);
    let stripped = match content_type.as_str() {
        "image/jpeg" | "image/jpg" => {
            let mut image = jpeg::Jpeg::from_bytes(input).map_err(not_an_image)?;
            let before = image.segments().len();
            image.set_exif(None);
            image.segments_mut().retain(|segment| {
                !(segment.marker() == jpeg::markers::APP1
                    && segment.contents().starts_with(JPEG_XMP_PREFIX))
            });
            (image.segments().len() != before).then(|| image.encoder().bytes())
        }
        "image/png" => {
            let mut image = png::Png::from_bytes(input).map_err(not_an_image)?;
            let before = image.chunks().len();
            image.set_exif(None);
            image.chunks_mut().retain(|chunk| {
                !(chunk.kind() == *b"iTXt" && chunk.contents().starts_with(PNG_XMP_KEYWORD))
            });
            (image.chunks().len() != before).then(|| image.encoder().bytes())
        }
        "image/webp" => {
            let mut image = webp::WebP::from_bytes(input).map_err(not_an_image)?;
            let carries_metadata =
                image.has_chunk(webp::CHUNK_EXIF) || image.has_chunk(webp::CHUNK_XMP);
            image.set_exif(None);
            image.remove_chunks_by_id(webp::CHUNK_XMP);
            carries_metadata.then(|| image.encoder().bytes())
        }
        _ => return Err(ExifError::UnsupportedFormat { content_type }),
    };
    Ok(stripped.map_or_else(|| bytes.to_vec(), |stripped| stripped.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use exif::{Field, In, Rational, Reader, Tag, Value, experimental::Writer};

    /// A small grey JPEG as a phone's encoder would make it, without metadata.
    fn plain_jpeg() -> Vec<u8> {
        let mut out = Vec::new();
        let encoder = jpeg_encoder::Encoder::new(&mut out, 90);
        let pixels = vec![128_u8; 16 * 8 * 3];
        encoder
            .encode(&pixels, 16, 8, jpeg_encoder::ColorType::Rgb)
            .expect("a 16×8 RGB image encodes");
        out
    }

    /// An EXIF block (TIFF bytes) holding the camera's make and the GPS position of Da Nang's
    /// Dragon Bridge, as a phone writes it.
    fn exif_with_gps() -> Vec<u8> {
        let degrees = |d: u32, m: u32, s: u32| {
            Value::Rational(vec![
                Rational::from((d, 1)),
                Rational::from((m, 1)),
                Rational::from((s, 1)),
            ])
        };
        let fields = [
            Field {
                tag: Tag::Make,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"OpenDVC test camera".to_vec()]),
            },
            Field {
                tag: Tag::GPSLatitudeRef,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"N".to_vec()]),
            },
            Field {
                tag: Tag::GPSLatitude,
                ifd_num: In::PRIMARY,
                value: degrees(16, 3, 40),
            },
            Field {
                tag: Tag::GPSLongitudeRef,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"E".to_vec()]),
            },
            Field {
                tag: Tag::GPSLongitude,
                ifd_num: In::PRIMARY,
                value: degrees(108, 13, 37),
            },
        ];
        let mut writer = Writer::new();
        for field in &fields {
            writer.push_field(field);
        }
        let mut tiff = std::io::Cursor::new(Vec::new());
        writer
            .write(&mut tiff, false)
            .expect("the EXIF block is written");
        tiff.into_inner()
    }

    fn jpeg_with_gps() -> Vec<u8> {
        let mut image = jpeg::Jpeg::from_bytes(Bytes::from(plain_jpeg())).expect("a JPEG");
        image.set_exif(Some(Bytes::from(exif_with_gps())));
        image.encoder().bytes().to_vec()
    }

    fn gps_tags(jpeg: &[u8]) -> Vec<Tag> {
        match Reader::new().read_from_container(&mut std::io::Cursor::new(jpeg)) {
            Ok(exif) => exif
                .fields()
                .map(|field| field.tag)
                .filter(|tag| tag.context() == exif::Context::Gps)
                .collect(),
            Err(exif::Error::NotFound(_)) => Vec::new(),
            Err(error) => panic!("the JPEG's EXIF could not be read: {error}"),
        }
    }

    #[test]
    fn a_jpeg_with_a_gps_position_loses_it() {
        let original = jpeg_with_gps();
        assert!(
            gps_tags(&original).contains(&Tag::GPSLatitude),
            "the test photo carries a GPS latitude before stripping"
        );
        let stripped = strip_location(&original, "image/jpeg").expect("a JPEG is stripped");
        assert_eq!(
            gps_tags(&stripped),
            Vec::<Tag>::new(),
            "no GPS tag is left in the stored photo"
        );
        assert!(
            !stripped
                .windows(b"OpenDVC test camera".len())
                .any(|window| window == b"OpenDVC test camera"),
            "the whole EXIF block is gone, not only its GPS directory"
        );
    }

    #[test]
    fn a_stripped_jpeg_still_decodes_to_the_same_picture() {
        let decode = |bytes: &[u8]| {
            let mut decoder = jpeg_decoder::Decoder::new(std::io::Cursor::new(bytes));
            let pixels = decoder.decode().expect("the JPEG decodes");
            let info = decoder.info().expect("the JPEG has a frame header");
            (info.width, info.height, pixels)
        };
        let original = jpeg_with_gps();
        let stripped = strip_location(&original, "image/jpeg").expect("a JPEG is stripped");
        assert_eq!(
            decode(&stripped),
            decode(&original),
            "stripping the location changes no pixel and no dimension"
        );
    }

    #[test]
    fn a_jpeg_without_metadata_is_returned_unchanged() {
        let original = plain_jpeg();
        assert_eq!(
            strip_location(&original, "image/jpeg"),
            Ok(original),
            "a photo without EXIF or XMP is stored byte for byte as it came"
        );
    }

    #[test]
    fn an_xmp_packet_with_a_position_is_dropped_too() {
        let mut image = jpeg::Jpeg::from_bytes(Bytes::from(plain_jpeg())).expect("a JPEG");
        let mut xmp = JPEG_XMP_PREFIX.to_vec();
        xmp.extend_from_slice(b"<x:xmpmeta><exif:GPSLatitude>16,3.67N</exif:GPSLatitude>");
        image.segments_mut().insert(
            1,
            jpeg::JpegSegment::new_with_contents(jpeg::markers::APP1, xmp.into()),
        );
        let with_xmp = image.encoder().bytes().to_vec();
        let stripped = strip_location(&with_xmp, "image/jpeg").expect("a JPEG is stripped");
        assert_eq!(stripped, plain_jpeg(), "the XMP segment is removed whole");
    }

    #[test]
    fn a_file_that_is_no_image_is_refused_with_a_clear_error() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n";
        let error = strip_location(pdf, "image/jpeg").expect_err("a PDF is no JPEG");
        assert!(
            matches!(error, ExifError::NotAnImage { .. }),
            "a non-image named a JPEG is refused as not an image, got {error:?}"
        );
        assert!(
            error.to_string().contains("send the photo again"),
            "the error says what to do: {error}"
        );
        assert_eq!(
            strip_location(pdf, "application/pdf"),
            Err(ExifError::UnsupportedFormat {
                content_type: "application/pdf".into()
            }),
            "a content type that is no supported image is refused before parsing"
        );
    }
}
