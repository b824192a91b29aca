module github.com/atameken/expertbot

go 1.26.8

require (
	github.com/go-telegram-bot-api/telegram-bot-api/v5 v5.5.1
	github.com/jmoiron/sqlx v1.4.0
	github.com/lib/pq v1.12.3
)
