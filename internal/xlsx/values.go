package xlsx

// YesNo is the cell text of a yes/no value in an export: 是 or 否, the
// words ParseBool reads back when the sheet is imported again.
func YesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// OrEmpty is the cell text of an optional value (a date, a note): the
// value, or an empty cell when it is absent.
func OrEmpty(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
