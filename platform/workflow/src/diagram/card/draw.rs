//! How a card is drawn: its outline by shape, a gateway's marker, and its lines centred, each
//! with its icon.
//!
//! Rules: drawing never changes a card's size (the layout already used it); a line that would
//! overflow anyway is cut with `…` rather than drawn past the border.

use std::fmt::Write as _;

use super::{Card, Look, PAD_X, PAD_Y, Shape};
use crate::diagram::{Px, text};

impl Card {
    /// Draws the card centred on (`x`, `y`).
    pub(in crate::diagram) fn draw(&self, out: &mut String, key: &str, x: f64, y: f64) {
        let _ = write!(
            out,
            r#"<g class="step {} k-{}">"#,
            self.kind,
            text::escape(key)
        );
        let _ = write!(out, "<title>{}</title>", text::escape(key));
        self.outline(out, x, y);
        let mut top = y - self.h / 2.0 + PAD_Y;
        if let Shape::Gateway(plus) = self.shape {
            top = y - self.h / 2.0 + 22.0;
            let (my, d) = (y - self.h / 2.0 + 16.0, 5.0);
            let path = if plus {
                format!(
                    "M{} {}h{}M{} {}v{}",
                    Px(x - d),
                    Px(my),
                    Px(2.0 * d),
                    Px(x),
                    Px(my - d),
                    Px(2.0 * d)
                )
            } else {
                format!(
                    "M{} {}l{} {}M{} {}l{} {}",
                    Px(x - d),
                    Px(my - d),
                    Px(2.0 * d),
                    Px(2.0 * d),
                    Px(x - d),
                    Px(my + d),
                    Px(2.0 * d),
                    Px(-2.0 * d)
                )
            };
            let _ = write!(
                out,
                r##"<path d="{path}" stroke="#5f4b1e" stroke-width="2.5"/>"##
            );
        }
        let limit = self.w - 2.0 * PAD_X;
        for line in &self.lines {
            let look = line.look;
            let shown = fit(&line.text, look.px(), limit - line.icon());
            let baseline = top + look.height() * 0.75;
            let start = x - (text::width(&shown, look.px()) + line.icon()) / 2.0;
            if line.icon {
                icon(out, look, start + 5.0, baseline - 4.0);
            }
            let _ = write!(out, r#"<text {} "#, look.attributes());
            if line.icon() > 0.0 {
                let _ = write!(
                    out,
                    r#"x="{}" y="{}">"#,
                    Px(start + line.icon()),
                    Px(baseline)
                );
            } else {
                let _ = write!(
                    out,
                    r#"text-anchor="middle" x="{}" y="{}">"#,
                    Px(x),
                    Px(baseline)
                );
            }
            text::push_escaped(out, &shown);
            out.push_str("</text>");
            top += look.height();
        }
        out.push_str("</g>");
    }

    fn outline(&self, out: &mut String, x: f64, y: f64) {
        let (l, t, w, h) = (x - self.w / 2.0, y - self.h / 2.0, self.w, self.h);
        let (fill, stroke) = match self.shape {
            Shape::Task => ("#eef4fb", "#3a6ea5"),
            Shape::Auto => ("#f3eefa", "#6b4fa0"),
            Shape::Supplement => ("#fff1e0", "#d9822b"),
            Shape::Gateway(_) => ("#fdf8e6", "#a0782c"),
            Shape::End(true) => ("#e9f6ec", "#2f855a"),
            Shape::End(false) => ("#f2f2f2", "#666666"),
            Shape::Missing => ("#fff5f5", "#c53030"),
        };
        let dash = if self.dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let paint = format!(r#"fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}"#);
        let rect = |out: &mut String, inset: f64, r: f64, paint: &str| {
            let _ = write!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" {paint}/>"#,
                Px(l + inset),
                Px(t + inset),
                Px(w - 2.0 * inset),
                Px(h - 2.0 * inset),
                Px(r)
            );
        };
        match self.shape {
            Shape::Task => rect(out, 0.0, 10.0, &paint),
            Shape::Auto | Shape::Missing => rect(out, 0.0, 2.0, &paint),
            Shape::Supplement => rect(out, 0.0, 4.0, &paint),
            Shape::End(_) => {
                rect(out, 0.0, h / 2.0, &paint);
                let inner = format!(r#"fill="none" stroke="{stroke}" stroke-width="1.5"{dash}"#);
                rect(out, 3.5, h / 2.0 - 3.5, &inner);
            }
            Shape::Gateway(_) => {
                let _ = write!(
                    out,
                    r#"<path d="M{} {}L{} {}L{} {}L{} {}Z" {paint}/>"#,
                    Px(x),
                    Px(t),
                    Px(l + w),
                    Px(y),
                    Px(x),
                    Px(t + h),
                    Px(l),
                    Px(y)
                );
            }
        }
    }
}

/// `line` cut to what fits in `room` pixels.
fn fit(line: &str, px: f64, room: f64) -> String {
    let max = (room / px).floor().max(4.0) as usize;
    text::truncate(line, max)
}

fn icon(out: &mut String, look: Look, x: f64, y: f64) {
    let (x, y) = (Px(x), Px(y));
    let _ = match look {
        Look::Timer => write!(
            out,
            r##"<circle cx="{x}" cy="{y}" r="4.5" fill="#fff" stroke="#8a5a00" stroke-width="1.2"/><path d="M{x} {}V{y}H{}" fill="none" stroke="#8a5a00" stroke-width="1.2"/>"##,
            Px(y.0 - 3.0),
            Px(x.0 + 2.5)
        ),
        Look::Plugin => write!(
            out,
            r##"<circle cx="{x}" cy="{y}" r="3.6" fill="none" stroke="#6b4fa0" stroke-width="2.4" stroke-dasharray="1.9 1.9"/><circle cx="{x}" cy="{y}" r="1.3" fill="#6b4fa0"/>"##
        ),
        Look::Pause => write!(
            out,
            r##"<path d="M{} {}v8M{} {}v8" stroke="#9c4221" stroke-width="2"/>"##,
            Px(x.0 - 2.0),
            Px(y.0 - 4.0),
            Px(x.0 + 2.0),
            Px(y.0 - 4.0)
        ),
        _ => Ok(()),
    };
}
