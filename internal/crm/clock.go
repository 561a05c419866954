package crm

import (
	"time"
)

// Shanghai is where times are shown to users.
var Shanghai = ChinaTime()

// ChinaTime is China Standard Time (UTC+8, no daylight saving), where
// Kehu shows times and counts days, months and deadlines. A fixed zone
// needs no tz database on the host.
func ChinaTime() *time.Location { return time.FixedZone("CST", 8*3600) }
