package bot

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/atameken/expertbot/storage"
)

// newMetrics serves, in a registry of their own, the metrics of the
// pipeline's stages, the Go runtime's and the process's, and the figures
// that live in the database.
func newMetrics(db *storage.DB, stages ...[]prometheus.Collector) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), &dbCollector{db: db})
	for _, cs := range stages {
		reg.MustRegister(cs...)
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// dbCollector reads the figures that live in the database at each scrape.
type dbCollector struct{ db *storage.DB }

var (
	outboxDepthDesc = prometheus.NewDesc("expertbot_outbox_pending", "Calls waiting in the outbox.", nil, nil)
	outboxAgeDesc   = prometheus.NewDesc("expertbot_outbox_oldest_seconds", "Age of the oldest call waiting in the outbox.", nil, nil)
	problemsDesc    = prometheus.NewDesc("expertbot_problems", "Problems by status.", []string{"status"}, nil)
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxDepthDesc
	ch <- outboxAgeDesc
	ch <- problemsDesc
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	g, err := c.db.Gauges(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(outboxDepthDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(outboxDepthDesc, prometheus.GaugeValue, float64(g.OutboxPending))
	ch <- prometheus.MustNewConstMetric(outboxAgeDesc, prometheus.GaugeValue, g.OutboxOldest.Seconds())
	for status, n := range g.Problems {
		ch <- prometheus.MustNewConstMetric(problemsDesc, prometheus.GaugeValue, float64(n), status)
	}
}
