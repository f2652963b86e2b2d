//! QR codes as inline SVG: the URL of a dossier's public lookup on every printed slip
//! (Art. 19.2), drawn by the `qrcode` crate's renderer onto a canvas of our own so that the SVG
//! can sit inside an HTML page (no XML prolog) and carries print sizes and an accessible label.
//!
//! Rules kept: error correction level M (15 %), enough for a slip that has been folded or
//! stamped on; the four-module quiet zone the standard requires; a module of 1.5 CSS pixels
//! (0.4 mm printed, three device pixels on the usual double-density screen), so a lookup URL
//! of about 75 characters (version 5, 37 modules) makes a code of 18 mm with its quiet zone,
//! which any phone reads from a hand's length.

use std::fmt::Write;

use qrcode::render::{Canvas, Pixel};
use qrcode::types::Color;
use qrcode::{EcLevel, QrCode};

use crate::FormError;
use crate::code128::xml_escape;

/// Module size, in CSS pixels.
const MODULE_PX: f64 = 1.5;

/// The "pixel" of our canvas: the renderer only asks a canvas to draw dark modules, so the
/// colour it carries is never needed.
#[derive(Clone, Copy, Debug)]
struct Ink;

/// The dark modules as one SVG path, one unit per module; modules side by side in a row are
/// merged into one rectangle, which keeps the path about a quarter of the size.
#[derive(Debug)]
struct Drawing {
    side: u32,
    path: String,
    /// The run being drawn: row, first column, column after the last.
    run: Option<(u32, u32, u32)>,
}

impl Drawing {
    fn flush(&mut self) {
        if let Some((y, x0, x1)) = self.run.take() {
            let w = x1 - x0;
            // Writing to a String cannot fail.
            let _ = write!(self.path, "M{x0} {y}h{w}v1h-{w}z");
        }
    }
}

impl Pixel for Ink {
    type Image = Drawing;
    type Canvas = Drawing;

    fn default_unit_size() -> (u32, u32) {
        (1, 1)
    }

    fn default_color(_: Color) -> Self {
        Self
    }
}

impl Canvas for Drawing {
    type Pixel = Ink;
    type Image = Drawing;

    fn new(width: u32, _height: u32, _dark: Ink, _light: Ink) -> Self {
        Self {
            side: width,
            path: String::new(),
            run: None,
        }
    }

    fn draw_dark_pixel(&mut self, x: u32, y: u32) {
        match &mut self.run {
            Some((row, _, end)) if *row == y && *end == x => *end += 1,
            _ => {
                self.flush();
                self.run = Some((y, x, x + 1));
            }
        }
    }

    fn into_image(mut self) -> Drawing {
        self.flush();
        self
    }
}

/// `content` (a lookup URL, in practice) as a QR code in inline SVG, one unit of the view box
/// per module; the content is in the `aria-label` too.
pub fn qr_svg(content: &str) -> Result<String, FormError> {
    let code = QrCode::with_error_correction_level(content, EcLevel::M).map_err(|source| {
        FormError::Qr {
            len: content.len(),
            source,
        }
    })?;
    let Drawing { side, path, .. } = code.render::<Ink>().quiet_zone(true).build();
    let px = f64::from(side) * MODULE_PX;
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 {side} {side}" width="{px}" height="{px}" shape-rendering="crispEdges" role="img" aria-label="QR: {label}"><rect width="{side}" height="{side}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##,
        label = xml_escape(content),
    ))
}
