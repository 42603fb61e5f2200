package demo

// duesAndDevelopment will add yearly dues, payments and development records
// for the demo members (issue 4). Nothing is generated yet: the dues and
// development tables are not built; the hook exists so the integrator can wire it.
func (l *loader) duesAndDevelopment(p *plan) error {
	return nil
}
