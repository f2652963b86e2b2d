//! Reads the QR code drawn in an SVG the crate produced: the path is rasterised (four pixels
//! per module) and handed to `rqrr`, an independent decoder.

use crate::barcode_reader::{attribute, black_path, rectangles};

const SCALE: usize = 4;

/// The text held by the QR code drawn in `svg`.
pub(crate) fn read(svg: &str) -> String {
    let view: Vec<f64> = attribute(svg, "viewBox")
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let side = view[2] as usize * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (left, top, right, bottom) in rectangles(black_path(svg)) {
        for y in (top as usize * SCALE)..(bottom as usize * SCALE) {
            for x in (left as usize * SCALE)..(right as usize * SCALE) {
                pixels[y * side + x] = 0;
            }
        }
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| pixels[y * side + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    let (_, content) = grids[0].decode().expect("the QR code decodes");
    content
}
