//! A feedback photo made ready for upload on the device: turned upright (EXIF orientation),
//! shrunk so its longest edge is at most [`FEEDBACK_PHOTO_MAX_EDGE`] pixels, and re-encoded as
//! JPEG. A phone's camera gives 4000-pixel photos of several megabytes; the operations centre
//! needs to see the pothole, and the resident's data plan should not pay for the rest.
//!
//! Re-encoding keeps only the pixels: no EXIF block (so no camera location) survives it.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader};
pub use opendvc_api::FEEDBACK_PHOTO_MAX_EDGE;

/// The content type of every prepared photo.
pub const PREPARED_PHOTO_TYPE: &str = "image/jpeg";

/// JPEG quality of a prepared photo: small enough for a phone's upload, sharp enough to read a
/// house number.
const JPEG_QUALITY: u8 = 85;

/// Why a picked file could not be made into a feedback photo.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("the file is not a photo this app can read (JPEG, PNG or WebP); pick another")]
    NotAPhoto(#[source] image::ImageError),
    #[error("the photo could not be re-encoded as JPEG; pick another: {0}")]
    Encode(#[source] image::ImageError),
}

/// A photo ready to be staged and uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedPhoto {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Decodes `bytes` (any format the core reads), turns it upright, shrinks it to at most
/// [`FEEDBACK_PHOTO_MAX_EDGE`] on its longest edge (never enlarges it), and encodes it as JPEG.
pub fn prepare_photo(bytes: &[u8]) -> Result<PreparedPhoto, PhotoError> {
    let mut decoder = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|error| PhotoError::NotAPhoto(image::ImageError::IoError(error)))?
        .into_decoder()
        .map_err(PhotoError::NotAPhoto)?;
    let orientation = decoder.orientation().map_err(PhotoError::NotAPhoto)?;
    let mut photo = DynamicImage::from_decoder(decoder).map_err(PhotoError::NotAPhoto)?;
    photo.apply_orientation(orientation);
    if photo.width().max(photo.height()) > FEEDBACK_PHOTO_MAX_EDGE {
        // `resize` keeps the aspect ratio and fits within the box, rounding the short edge.
        photo = photo.resize(
            FEEDBACK_PHOTO_MAX_EDGE,
            FEEDBACK_PHOTO_MAX_EDGE,
            FilterType::Triangle,
        );
    }
    // JPEG has no alpha channel: flatten to RGB first.
    let photo = DynamicImage::ImageRgb8(photo.to_rgb8());
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    photo
        .write_with_encoder(encoder)
        .map_err(PhotoError::Encode)?;
    Ok(PreparedPhoto {
        bytes: out,
        width: photo.width(),
        height: photo.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_of(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbaImage::from_fn(width, height, |x, y| {
            image::Rgba([(x % 256) as u8, (y % 256) as u8, 128, 255])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(picture)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("encode a test PNG");
        out
    }

    fn stored_size(bytes: &[u8]) -> (u32, u32) {
        let stored = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg)
            .expect("the prepared photo is a JPEG");
        (stored.width(), stored.height())
    }

    #[test]
    fn a_3000_by_2000_photo_is_stored_at_1600_by_1067() {
        let prepared = prepare_photo(&png_of(3000, 2000)).expect("prepare the photo");
        assert_eq!(
            stored_size(&prepared.bytes),
            (1600, 1067),
            "the longest edge is shrunk to 1600 px, the aspect ratio kept"
        );
        assert_eq!((prepared.width, prepared.height), (1600, 1067));
    }

    #[test]
    fn a_portrait_photo_is_shrunk_by_its_height() {
        let prepared = prepare_photo(&png_of(1000, 2400)).expect("prepare the photo");
        assert_eq!(
            stored_size(&prepared.bytes),
            (667, 1600),
            "a tall photo's height is the edge shrunk to 1600 px"
        );
    }

    #[test]
    fn a_small_photo_is_not_enlarged_but_becomes_a_jpeg() {
        let prepared = prepare_photo(&png_of(640, 480)).expect("prepare the photo");
        assert_eq!(
            stored_size(&prepared.bytes),
            (640, 480),
            "a photo within 1600 px keeps its size"
        );
        assert!(
            prepared.bytes.starts_with(&[0xFF, 0xD8]),
            "the prepared photo is re-encoded as JPEG"
        );
    }

    #[test]
    fn a_file_that_is_not_a_photo_is_refused() {
        assert!(
            matches!(
                prepare_photo(b"%PDF-1.7 not a photo"),
                Err(PhotoError::NotAPhoto(_))
            ),
            "a PDF is not taken as a feedback photo"
        );
    }
}
