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

// metrics are the bot's Prometheus metrics, in a registry of its own.
type metrics struct {
	reg       *prometheus.Registry
	received  *prometheus.CounterVec
	handled   *prometheus.CounterVec
	errors    prometheus.Counter
	latency   prometheus.Histogram
	sent      *prometheus.CounterVec
	tooMany   prometheus.Counter
	retryWait prometheus.Counter
}

func newMetrics(db *storage.DB) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "expertbot_updates_received_total", Help: "Updates taken from Telegram and kept in the inbox, by type.",
		}, []string{"type"}),
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "expertbot_updates_handled_total", Help: "Updates handled, by type.",
		}, []string{"type"}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "expertbot_handler_errors_total", Help: "Handler failures and panics (each attempt).",
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "expertbot_handle_seconds", Help: "Time to handle one update, its transaction included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "expertbot_telegram_calls_total", Help: "Calls from the outbox that Telegram accepted, by method.",
		}, []string{"method"}),
		tooMany: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "expertbot_telegram_429_total", Help: "Calls Telegram answered with 429 Too Many Requests.",
		}),
		retryWait: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "expertbot_telegram_retry_after_seconds_total", Help: "Seconds of retry_after that Telegram asked to wait.",
		}),
	}
	m.reg.MustRegister(m.received, m.handled, m.errors, m.latency, m.sent, m.tooMany, m.retryWait,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&dbCollector{db: db})
	return m
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

// Metrics serves the bot's metrics in the Prometheus text format.
func (b *Bot) Metrics() http.Handler {
	return promhttp.HandlerFor(b.metrics.reg, promhttp.HandlerOpts{})
}
