package filings

import (
	"context"

	"sunshine/models"
)

// publishAll publishes the queue's chosen drafts as one publication act
// (PublishSet: all or nothing, one release per dataset touched). Sets are an
// admin's; an uploader allowed to publish its own departments
// (AllowUploaderPublish) publishes them one by one instead, the first refusal
// stopping the rest.
func (s *Service) publishAll(ctx context.Context, ids []int64, actor Actor, note string) (Publication, error) {
	if actor.Token == nil || MayPublishSets(actor.Token) {
		return s.PublishSet(ctx, ids, actor, note)
	}
	out := Publication{State: models.PublicationPublished, Note: note, CreatedBy: actor.Name}
	for _, id := range ids {
		f, err := s.Publish(ctx, id, actor, note)
		if err != nil {
			return out, err
		}
		out.Filings = append(out.Filings, f.ID)
	}
	return out, nil
}
