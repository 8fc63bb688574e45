package payments

import (
	"net/http"
	"slices"
)

// deletePayment removes one of the caller's payments and its refunds, as a
// test-mode API lets a client clean up what its tests created (idemcheck
// check --cleanup does). The seed payment is every caller's, so no
// caller's to delete: 403. A payment that is gone, or another caller's,
// is 404, so the same DELETE twice changes nothing more.
func (s *server) deletePayment(r *http.Request, _ []byte) response {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	id := r.PathValue("id")
	p, ok := s.data.byID[id]
	switch {
	case !ok || !visible(p.owner, r):
		return notFound("payment")
	case p.owner == "":
		return errorResponse(http.StatusForbidden, "invalid_request_error", "the seed payment is shared by every caller and cannot be deleted")
	}
	delete(s.data.byID, id)
	s.data.payments = slices.DeleteFunc(s.data.payments, func(q *Payment) bool { return q == p })
	n := len(s.data.refunds)
	s.data.refunds = slices.DeleteFunc(s.data.refunds, func(rf *Refund) bool { return rf.Payment == id })
	s.data.objects -= 1 + n - len(s.data.refunds)
	return response{status: http.StatusNoContent}
}
