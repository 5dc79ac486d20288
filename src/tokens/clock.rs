//! `strftime_now` for templates that print today's date. The core has no clock of its own (wasm32
//! has none): the edge passes the local wall-clock time (seconds since 1970-01-01 00:00 local, as
//! transformers reads `datetime.now()`), or a date the user pinned with `--date`.

use crate::error::{Error, Result};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// 0 = Monday.
    weekday: u32,
    day_of_year: u32,
}

impl DateTime {
    /// UTC date and time of a Unix timestamp (Howard Hinnant's civil-from-days).
    pub fn from_unix(seconds: i64) -> Self {
        let days = seconds.div_euclid(86_400);
        let secs = seconds.rem_euclid(86_400) as u32;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let before: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        let day_of_year = before[month as usize - 1] + day + u32::from(leap && month > 2);
        DateTime {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            weekday: (days + 3).rem_euclid(7) as u32,
            day_of_year,
        }
    }

    /// C `strftime` for the directives chat templates use; others are kept as written.
    pub fn strftime(&self, format: &str) -> String {
        let mut out = String::new();
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let month = MONTHS[self.month as usize - 1];
            let weekday = WEEKDAYS[self.weekday as usize];
            let hour12 = match self.hour % 12 {
                0 => 12,
                h => h,
            };
            match chars.next() {
                Some('Y') => out.push_str(&self.year.to_string()),
                Some('y') => out.push_str(&format!("{:02}", self.year.rem_euclid(100))),
                Some('m') => out.push_str(&format!("{:02}", self.month)),
                Some('d') => out.push_str(&format!("{:02}", self.day)),
                Some('e') => out.push_str(&format!("{:>2}", self.day)),
                Some('j') => out.push_str(&format!("{:03}", self.day_of_year)),
                Some('H') => out.push_str(&format!("{:02}", self.hour)),
                Some('I') => out.push_str(&format!("{hour12:02}")),
                Some('M') => out.push_str(&format!("{:02}", self.minute)),
                Some('S') => out.push_str(&format!("{:02}", self.second)),
                Some('p') => out.push_str(if self.hour < 12 { "AM" } else { "PM" }),
                Some('B') => out.push_str(month),
                Some('b') | Some('h') => out.push_str(&month[..3]),
                Some('A') => out.push_str(weekday),
                Some('a') => out.push_str(&weekday[..3]),
                Some('%') => out.push('%'),
                Some('-') => match chars.next() {
                    Some('d') => out.push_str(&self.day.to_string()),
                    Some('m') => out.push_str(&self.month.to_string()),
                    Some('H') => out.push_str(&self.hour.to_string()),
                    Some(other) => out.extend(['%', '-', other]),
                    None => out.push_str("%-"),
                },
                Some(other) => out.extend(['%', other]),
                None => out.push('%'),
            }
        }
        out
    }
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's days-from-civil).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A date as a person types it, `YYYY-MM-DD` (midnight) or `YYYY-MM-DDTHH:MM`, as local seconds.
pub fn parse_date(text: &str) -> Result<i64> {
    let bad = || {
        Error::parameters(format!(
            "`{text}` is not a date: write it as YYYY-MM-DD, e.g. 2026-11-25"
        ))
        .field("date")
    };
    let (date, time) = text
        .trim()
        .split_once('T')
        .unwrap_or((text.trim(), "00:00"));
    let number = |part: &str| part.parse::<u32>().map_err(|_| bad());
    let parts: Vec<&str> = date.split('-').collect();
    let [year, month, day] = parts[..] else {
        return Err(bad());
    };
    let (hour, minute) = time.split_once(':').ok_or_else(bad)?;
    let (year, month, day) = (number(year)?, number(month)?, number(day)?);
    let (hour, minute) = (number(hour)?, number(minute)?);
    let seconds = days_from_civil(i64::from(year), month, day) * 86_400
        + i64::from(hour * 3600 + minute * 60);
    let parsed = DateTime::from_unix(seconds);
    // Rejects 2026-02-30 and 25:00: they do not come back as written.
    if (
        parsed.year,
        parsed.month,
        parsed.day,
        parsed.hour,
        parsed.minute,
    ) != (i64::from(year), month, day, hour, minute)
    {
        return Err(bad());
    }
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_strftime() {
        // 2026-11-25 08:26:07 UTC, a Wednesday.
        let t = DateTime::from_unix(1_795_595_167);
        assert_eq!(t.strftime("%d %b %Y"), "25 Nov 2026");
        assert_eq!(
            t.strftime("%A %B %-d, %H:%M:%S %j %%"),
            "Wednesday November 25, 08:26:07 329 %"
        );
        let leap = DateTime::from_unix(951_782_400); // 2000-02-29
        assert_eq!(leap.strftime("%Y-%m-%d %a"), "2000-02-29 Tue");
    }

    #[test]
    fn dates_parse_as_people_write_them() {
        assert_eq!(parse_date("2000-02-29").unwrap(), 951_782_400);
        assert_eq!(parse_date("2026-11-25T08:26").unwrap(), 1_795_595_160);
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "25/11/2026",
            "2026-11-25T24:00",
            "",
        ] {
            let e = parse_date(bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("date"), "{bad}");
        }
    }
}
