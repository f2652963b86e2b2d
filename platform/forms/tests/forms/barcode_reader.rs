//! An independent Code 128 reader for the tests: it reads the bars of the SVG the crate draws,
//! and turns them back into text through module patterns, start symbol, code-set switches and
//! the check symbol, sharing nothing with the encoder.

/// The symbols 0 to 105 as modules (1 bar, 0 space), in the order of ISO/IEC 15417; checked,
/// when written, against the table of an independent Code 128 implementation.
const SYMBOLS: [&str; 106] = [
    "11011001100",
    "11001101100",
    "11001100110",
    "10010011000",
    "10010001100",
    "10001001100",
    "10011001000",
    "10011000100",
    "10001100100",
    "11001001000",
    "11001000100",
    "11000100100",
    "10110011100",
    "10011011100",
    "10011001110",
    "10111001100",
    "10011101100",
    "10011100110",
    "11001110010",
    "11001011100",
    "11001001110",
    "11011100100",
    "11001110100",
    "11101101110",
    "11101001100",
    "11100101100",
    "11100100110",
    "11101100100",
    "11100110100",
    "11100110010",
    "11011011000",
    "11011000110",
    "11000110110",
    "10100011000",
    "10001011000",
    "10001000110",
    "10110001000",
    "10001101000",
    "10001100010",
    "11010001000",
    "11000101000",
    "11000100010",
    "10110111000",
    "10110001110",
    "10001101110",
    "10111011000",
    "10111000110",
    "10001110110",
    "11101110110",
    "11010001110",
    "11000101110",
    "11011101000",
    "11011100010",
    "11011101110",
    "11101011000",
    "11101000110",
    "11100010110",
    "11101101000",
    "11101100010",
    "11100011010",
    "11101111010",
    "11001000010",
    "11110001010",
    "10100110000",
    "10100001100",
    "10010110000",
    "10010000110",
    "10000101100",
    "10000100110",
    "10110010000",
    "10110000100",
    "10011010000",
    "10011000010",
    "10000110100",
    "10000110010",
    "11000010010",
    "11001010000",
    "11110111010",
    "11000010100",
    "10001111010",
    "10100111100",
    "10010111100",
    "10010011110",
    "10111100100",
    "10011110100",
    "10011110010",
    "11110100100",
    "11110010100",
    "11110010010",
    "11011011110",
    "11011110110",
    "11110110110",
    "10101111000",
    "10100011110",
    "10001011110",
    "10111101000",
    "10111100010",
    "11110101000",
    "11110100010",
    "10111011110",
    "10111101110",
    "11101011110",
    "11110101110",
    "11010000100",
    "11010010000",
    "11010011100",
];
const STOP: &str = "1100011101011";
const QUIET: usize = 10;

/// The rectangles of an SVG path made of `M x y` then `h`/`v`/`H`/`V` moves and `z`: (left,
/// top, right, bottom) of each subpath.
pub(crate) fn rectangles(d: &str) -> Vec<(f64, f64, f64, f64)> {
    let mut rects = Vec::new();
    let mut points: Vec<(f64, f64)> = Vec::new();
    let (mut x, mut y) = (0.0, 0.0);
    let tokens = tokens(d);
    let mut tokens = tokens.iter();
    let number = |tokens: &mut std::slice::Iter<'_, Token>| match tokens.next() {
        Some(Token::Number(n)) => *n,
        other => panic!("expected a number, found {other:?} in {d}"),
    };
    while let Some(token) = tokens.next() {
        match token {
            Token::Command('M') => {
                close(&mut points, &mut rects);
                x = number(&mut tokens);
                y = number(&mut tokens);
            }
            Token::Command('h') => x += number(&mut tokens),
            Token::Command('v') => y += number(&mut tokens),
            Token::Command('H') => x = number(&mut tokens),
            Token::Command('V') => y = number(&mut tokens),
            Token::Command('z' | 'Z') => {
                close(&mut points, &mut rects);
                continue;
            }
            other => panic!("unexpected {other:?} in {d}"),
        }
        points.push((x, y));
    }
    close(&mut points, &mut rects);
    rects
}

#[derive(Debug)]
enum Token {
    Command(char),
    Number(f64),
}

fn tokens(d: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut number = String::new();
    let flush = |number: &mut String, out: &mut Vec<Token>| {
        if !number.is_empty() {
            out.push(Token::Number(number.parse().expect("a number")));
            number.clear();
        }
    };
    for c in d.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
        } else if c == '-' {
            flush(&mut number, &mut out);
            number.push(c);
        } else {
            flush(&mut number, &mut out);
            if c.is_ascii_alphabetic() {
                out.push(Token::Command(c));
            }
        }
    }
    flush(&mut number, &mut out);
    out
}

/// Ends a subpath: its bounding box is a rectangle.
fn close(points: &mut Vec<(f64, f64)>, rects: &mut Vec<(f64, f64, f64, f64)>) {
    if points.is_empty() {
        return;
    }
    let xs = points.iter().map(|p| p.0);
    let ys = points.iter().map(|p| p.1);
    rects.push((
        xs.clone().fold(f64::MAX, f64::min),
        ys.clone().fold(f64::MAX, f64::min),
        xs.fold(f64::MIN, f64::max),
        ys.fold(f64::MIN, f64::max),
    ));
    points.clear();
}

/// The value of an attribute of the first element of `svg` that has it.
pub(crate) fn attribute<'a>(svg: &'a str, name: &str) -> &'a str {
    let key = format!(" {name}=\"");
    let start = svg
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {svg}"))
        + key.len();
    &svg[start..start + svg[start..].find('"').expect("a closing quote")]
}

/// The `d` of the SVG's black path.
pub(crate) fn black_path(svg: &str) -> &str {
    let at = svg.find(r##"<path fill="#000""##).expect("a black path");
    attribute(&svg[at..], "d")
}

/// Reads the Code 128 symbol drawn in `svg` back into its text, checking quiet zones, stop
/// pattern and check symbol.
pub(crate) fn read(svg: &str) -> Result<String, String> {
    let view: Vec<f64> = attribute(svg, "viewBox")
        .split_whitespace()
        .map(|n| n.parse().expect("a number"))
        .collect();
    let total = view[2] as usize;
    let mut modules = vec![b'0'; total];
    for (left, _, right, _) in rectangles(black_path(svg)) {
        assert_eq!(left.fract(), 0.0, "bars start on module edges");
        for m in &mut modules[left as usize..right as usize] {
            *m = b'1';
        }
    }
    let first = modules.iter().position(|&m| m == b'1').ok_or("no bars")?;
    let last = modules.iter().rposition(|&m| m == b'1').ok_or("no bars")? + 1;
    if first < QUIET || total - last < QUIET {
        return Err(format!(
            "quiet zones of {first} and {} modules",
            total - last
        ));
    }
    let bars = std::str::from_utf8(&modules[first..last]).expect("ASCII");
    let body = bars.strip_suffix(STOP).ok_or("no stop pattern")?;
    if body.len() % 11 != 0 {
        return Err(format!("{} modules are not whole symbols", body.len()));
    }
    let values: Vec<usize> = (0..body.len() / 11)
        .map(|i| {
            let pattern = &body[i * 11..i * 11 + 11];
            SYMBOLS
                .iter()
                .position(|&s| s == pattern)
                .ok_or_else(|| format!("no symbol has the pattern {pattern}"))
        })
        .collect::<Result<_, _>>()?;
    let (check, data) = values.split_last().ok_or("no check symbol")?;
    let sum: usize = data.iter().enumerate().map(|(i, v)| i.max(1) * v).sum();
    if sum % 103 != *check {
        return Err(format!("check symbol {check}, expected {}", sum % 103));
    }
    decode(data)
}

/// Start symbol and data values to text.
fn decode(values: &[usize]) -> Result<String, String> {
    #[derive(PartialEq)]
    enum Set {
        A,
        B,
        C,
    }
    let mut set = match values.first() {
        Some(103) => Set::A,
        Some(104) => Set::B,
        Some(105) => Set::C,
        other => return Err(format!("{other:?} is not a start symbol")),
    };
    let mut text = String::new();
    for &v in &values[1..] {
        match (&set, v) {
            (Set::C, 0..=99) => text.push_str(&format!("{v:02}")),
            (Set::A | Set::B, 0..=63) => text.push(char::from(v as u8 + 32)),
            (Set::B, 64..=95) => text.push(char::from(v as u8 + 32)),
            (Set::A, 64..=95) => text.push(char::from(v as u8 - 64)),
            (Set::A | Set::B, 99) => set = Set::C,
            (Set::A | Set::C, 100) => set = Set::B,
            (Set::B | Set::C, 101) => set = Set::A,
            _ => return Err(format!("value {v} is not data here")),
        }
    }
    Ok(text)
}
