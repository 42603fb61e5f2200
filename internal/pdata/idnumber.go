package pdata

import (
	"strings"
	"time"
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idChecks = "10X98765432"

// IDInfo is what an 18-character citizen ID number (GB 11643) tells.
type IDInfo struct {
	Number    string    // normalized: upper-case X
	BirthDate time.Time // UTC midnight
	Gender    string    // "male" (odd sequence digit) or "female" (even)
}

// IDProblem says why a number is not a valid ID number, in Chinese.
type IDProblem string

func (p IDProblem) Error() string { return string(p) }

// CheckChar computes the GB 11643 check character of the first 17 digits.
func CheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idChecks[sum%11]
}

// ParseID validates an 18-character ID number (digits, check character,
// birth date not after today) and extracts birth date and gender.
func ParseID(s string, today time.Time) (IDInfo, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 {
		return IDInfo{}, IDProblem("身份证号必须是18位")
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return IDInfo{}, IDProblem("身份证号前17位必须是数字")
		}
	}
	last := s[17]
	if (last < '0' || last > '9') && last != 'X' {
		return IDInfo{}, IDProblem("身份证号最后一位必须是数字或X")
	}
	if CheckChar(s[:17]) != last {
		return IDInfo{}, IDProblem("身份证号校验位不正确")
	}
	bd, err := time.Parse("20060102", s[6:14])
	if err != nil || bd.Year() < 1900 {
		return IDInfo{}, IDProblem("身份证号中的出生日期无效")
	}
	t := today.UTC()
	if bd.After(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)) {
		return IDInfo{}, IDProblem("身份证号中的出生日期晚于今天")
	}
	g := "female"
	if (s[16]-'0')%2 == 1 {
		g = "male"
	}
	return IDInfo{Number: s, BirthDate: bd, Gender: g}, nil
}
