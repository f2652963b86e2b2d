//! Horizontal bar charts drawn on the server as inline SVG: no script, no style sheet (the
//! colours are presentation attributes, which the content security policy allows). A chart
//! repeats its table's figures, so it is hidden from assistive technology (`aria-hidden`); its
//! `<title>` names it for those who see it.

/// The width of the drawing, in its own units (it scales to the page).
const WIDTH: u32 = 640;
/// Where bars start: the labels are left of it.
const LABEL_WIDTH: u32 = 260;
/// The longest bar (a rate of 100 %).
const BAR_WIDTH: u32 = 300;
/// The height of one line.
const LINE: u32 = 28;
/// The longest label drawn, in characters (the table has the full name).
const LABEL_CHARS: usize = 36;

/// One bar.
#[derive(Clone, Debug)]
pub(super) struct Bar {
    /// What it measures.
    pub label: String,
    /// The rate, from 0 to 1.
    pub value: f64,
    /// The rate in words.
    pub text: String,
}

/// A bar as drawn.
#[derive(Clone, Debug)]
pub(super) struct Drawn {
    /// Its label, shortened.
    pub label: String,
    /// The top of its line.
    pub y: u32,
    /// The baseline of its texts.
    pub text_y: u32,
    /// Its length.
    pub width: u32,
    /// Where its value is written.
    pub value_x: u32,
    /// The value in words.
    pub text: String,
}

/// A chart, ready for the template.
#[derive(Clone, Debug)]
pub(super) struct Chart {
    /// The id of its title element.
    pub id: String,
    /// Its title.
    pub title: &'static str,
    /// The drawing's width.
    pub width: u32,
    /// The drawing's height.
    pub height: u32,
    /// Where bars start.
    pub bar_x: u32,
    /// Where labels end (they are right-aligned there).
    pub label_x: u32,
    /// The bars.
    pub bars: Vec<Drawn>,
}

/// `s` cut to [`LABEL_CHARS`] characters, with an ellipsis when cut.
fn shorten(s: &str) -> String {
    if s.chars().count() <= LABEL_CHARS {
        s.to_owned()
    } else {
        let mut cut: String = s.chars().take(LABEL_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

impl Chart {
    /// Lays out `bars` (rates from 0 to 1) one below the other.
    pub(super) fn new(id: String, title: &'static str, bars: Vec<Bar>) -> Self {
        let drawn: Vec<Drawn> = bars
            .into_iter()
            .zip(0u32..)
            .map(|(b, i)| {
                let width = (b.value.clamp(0.0, 1.0) * f64::from(BAR_WIDTH)).round() as u32;
                Drawn {
                    label: shorten(&b.label),
                    y: i * LINE + 4,
                    text_y: i * LINE + 19,
                    width,
                    value_x: LABEL_WIDTH + width + 6,
                    text: b.text,
                }
            })
            .collect();
        Self {
            id,
            title,
            width: WIDTH,
            height: u32::try_from(drawn.len()).unwrap_or(0) * LINE + 8,
            bar_x: LABEL_WIDTH,
            label_x: LABEL_WIDTH - 8,
            bars: drawn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_with_their_rate() {
        let c = Chart::new(
            "c".into(),
            "t",
            vec![
                Bar {
                    label: "A".into(),
                    value: 1.0,
                    text: "100%".into(),
                },
                Bar {
                    label: "B".repeat(50),
                    value: 0.5,
                    text: "50%".into(),
                },
            ],
        );
        assert_eq!(c.bars[0].width, BAR_WIDTH);
        assert_eq!(c.bars[1].width, BAR_WIDTH / 2);
        assert!(c.bars[1].label.ends_with('…'));
        assert_eq!(c.height, 2 * LINE + 8);
    }
}
