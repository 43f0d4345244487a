// The sending window: reminders go out on working days between windowStart and windowEnd in the company's
// time zone (a reminder at 3 a.m. or on a Sunday reads as a robot's). Pure: the instant is passed in.
import { addDays, calendarDateAt, type CalendarDate } from "../domain/calendarDate.js";

function isWorkingDay(date: CalendarDate): boolean {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6;
}

/** The UTC instant of a wall-clock time on a date in a time zone (DST-safe by two corrections). */
export function zonedInstant(date: CalendarDate, time: string, timeZone: string): Date {
  const wanted = Date.parse(`${date}T${time}:00Z`);
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const parts = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    }).formatToParts(new Date(guess));
    const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "00";
    const shown = Date.parse(`${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}:00Z`);
    guess += wanted - shown;
  }
  return new Date(guess);
}

/** null when `now` is inside the window; otherwise the next instant the window opens. */
export function nextWindowOpening(now: Date, window: { start: string; end: string }, timeZone: string): Date | null {
  const today = calendarDateAt(now, timeZone);
  if (isWorkingDay(today)) {
    const start = zonedInstant(today, window.start, timeZone);
    const end = zonedInstant(today, window.end, timeZone);
    if (now >= start && now < end) return null;
    if (now < start) return start;
  }
  let day = addDays(today, 1);
  while (!isWorkingDay(day)) day = addDays(day, 1);
  return zonedInstant(day, window.start, timeZone);
}
