package scenario

// Random draws of the simulation and the placing of work in a day.

import (
	"math"
	"math/rand/v2"
	"time"
)

func poisson(rng *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*rng.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// lognormal draws a delay around median; sigma 1 spreads it over roughly
// a fifth to five times the median, like real response times.
func lognormal(rng *rand.Rand, median time.Duration, sigma float64) time.Duration {
	d := time.Duration(float64(median) * math.Exp(sigma*rng.NormFloat64()))
	return max(d, time.Minute).Truncate(time.Second) // GitHub times have whole seconds
}

func uniform(rng *rand.Rand, from, to time.Time) time.Time {
	return from.Add(time.Duration(rng.Int64N(int64(to.Sub(from))))).Truncate(time.Second)
}

// place moves t to a time of day that fits the habit in the person's zone.
func place(rng *rand.Rand, t time.Time, habit string, loc *time.Location, from, to time.Time) time.Time {
	for range 8 {
		lt := t.In(loc)
		day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
		switch habit {
		case "office":
			if rng.Float64() < habitKept {
				switch lt.Weekday() {
				case time.Saturday:
					day = day.AddDate(0, 0, -1)
				case time.Sunday:
					day = day.AddDate(0, 0, 1)
				}
				lt = day.Add(9*time.Hour + time.Duration(rng.Int64N(int64(8*time.Hour))))
			}
		case "evening":
			if rng.Float64() < habitKept {
				if rng.Float64() < eveningAtWeekend {
					day = day.AddDate(0, 0, int(time.Saturday-lt.Weekday())+rng.IntN(2))
					lt = day.Add(10*time.Hour + time.Duration(rng.Int64N(int64(13*time.Hour))))
				} else {
					lt = day.Add(18*time.Hour + time.Duration(rng.Int64N(int64(6*time.Hour))))
				}
			}
		}
		if !lt.Before(from) && lt.Before(to) {
			return lt.Truncate(time.Second)
		}
		t = uniform(rng, from, to)
	}
	return t.In(loc).Truncate(time.Second)
}
